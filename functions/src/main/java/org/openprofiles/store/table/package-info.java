/**
 * DynamoDB plumbing and the table's items, depended on by every other store package and depending
 * on none of them: the table's shape ({@link org.openprofiles.store.table.ProfilesTable}), how clients
 * are built ({@link org.openprofiles.store.table.DynamoDbClients}), every call's limits, retries and
 * errors ({@link org.openprofiles.store.table.DynamoCalls},
 * {@link org.openprofiles.store.table.DecideAgainException}), every profile-data key format
 * ({@link org.openprofiles.store.table.StoreKeys}) and the mapped items (profile, key value, holder,
 * object). What the writes do with the items lives in {@code ingest} and {@code lifecycle}; the
 * shard items are written only by {@code lifecycle.ProfileShards}, which owns their attributes.
 */
package org.openprofiles.store.table;
