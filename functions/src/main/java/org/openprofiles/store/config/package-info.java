/**
 * The configuration in the table, by job: the items and their key formats ({@link org.openprofiles.store.config.ConfigItems},
 * read into records such as {@link org.openprofiles.store.config.DomainItem}), strongly consistent reads
 * ({@link org.openprofiles.store.config.ConfigReads}, and {@link org.openprofiles.store.config.ConfigRead} for the domain item
 * read inside another request's BatchGetItem), the administration's writes
 * ({@link org.openprofiles.store.config.ConfigWrites}, {@link org.openprofiles.store.config.EventStreamWrites}), and the
 * erasure of a deleted domain's or type's data ({@link org.openprofiles.store.config.ErasureLedger} for the jobs and their
 * progress, {@link org.openprofiles.store.config.DataEraser} for the items), which the configuration's tombstones drive.
 * Every DynamoDB call goes through {@link org.openprofiles.store.table.DynamoCalls} with its caller's deadline. The
 * services use these directly, not through {@code ProfileStore}.
 */
package org.openprofiles.store.config;
