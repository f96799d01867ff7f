/**
 * The DynamoDB store, by job: {@link org.openprofiles.store.ProfileStore} is the one class the
 * services build for profile data, and wires the subpackages: {@code table} (DynamoDB plumbing and
 * the table's items), {@code ingest} (PutProfileObject, AddProfileKey, DeleteProfileKey),
 * {@code lifecycle} (CreateProfile, UpdateProfile, DeleteProfileObject, DeleteProfile,
 * MergeProfiles), {@code read} (the read path) and {@code config} (the configuration and the
 * erasure of deleted domains and types, used beside {@code ProfileStore}, not through it).
 */
package org.openprofiles.store;
