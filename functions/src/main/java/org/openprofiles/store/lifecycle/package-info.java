/**
 * The profile lifecycle: writes on a profile as a whole, and those that take a key value's source away.
 * {@link org.openprofiles.store.lifecycle.ProfileWriter} (CreateProfile, UpdateProfile,
 * DeleteProfileObject); {@link org.openprofiles.store.lifecycle.ProfileOps} records a DeleteProfile or
 * MergeProfiles ({@link org.openprofiles.store.lifecycle.ProfileOp}) and has it finished, step by step,
 * by {@link org.openprofiles.store.lifecycle.ProfileDeletion} or
 * {@link org.openprofiles.store.lifecycle.ProfileMerge} (how a merge works, in one class);
 * {@link org.openprofiles.store.lifecycle.LifecycleWrites} holds what they share.
 * {@link org.openprofiles.store.lifecycle.ProfileShards} is here because closing and removals are what
 * shards exist for, though every put adds to one.
 */
package org.openprofiles.store.lifecycle;
