/**
 * PutProfileObject and AddProfileKey/DeleteProfileKey: the one consistent read a write decides on
 * ({@link org.openprofiles.store.ingest.ResolutionReader}, giving a
 * {@link org.openprofiles.store.ingest.Snapshot}), the commit of a put's decision
 * ({@link org.openprofiles.store.ingest.ObjectWriter}, given an
 * {@link org.openprofiles.store.ingest.ObjectPut}), the key writes
 * ({@link org.openprofiles.store.ingest.KeyWriter}) and how a profile joins or leaves a key value's
 * holders, spilling included ({@link org.openprofiles.store.ingest.KeyHolders}). The lifecycle reuses
 * the read and the holder writes; in turn every write here that adds to an existing profile goes
 * through one of its {@code lifecycle.ProfileShards}, which is where puts and the lifecycle meet.
 */
package org.openprofiles.store.ingest;
