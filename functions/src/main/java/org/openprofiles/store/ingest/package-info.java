/**
 * PutProfileObject and AddProfileKey/DeleteProfileKey: the one consistent read a write decides on
 * ({@link org.openprofiles.store.kernel.ConsistentReads}, giving a
 * {@link org.openprofiles.store.kernel.Snapshot}), the commit of a put's decision
 * ({@link org.openprofiles.store.ingest.ObjectWriter}, given an
 * {@link org.openprofiles.store.ObjectPut}), the key writes
 * ({@link org.openprofiles.store.ingest.ProfileKeyWriter}) and how a profile joins or leaves a key value's
 * holders, spilling included ({@link org.openprofiles.store.kernel.KeyValueHolders}). The lifecycle reuses
 * the read and the holder writes; in turn every write here that adds to an existing profile goes
 * through one of its {@code lifecycle.ProfileShards}, which is where puts and the lifecycle meet.
 */
package org.openprofiles.store.ingest;
