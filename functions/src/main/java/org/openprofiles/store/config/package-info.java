/**
 * The configuration in the table: domain, object type and registry items and their key formats
 * ({@link org.openprofiles.store.config.ConfigStore}), a domain item read inside another request's
 * BatchGetItem ({@link org.openprofiles.store.config.ConfigRead}), and the erasure of a deleted domain's
 * or type's data ({@link org.openprofiles.store.config.DataEraser}), which the configuration's
 * tombstones drive. The services use these directly, not through {@code ProfileStore}.
 */
package org.openprofiles.store.config;
