package org.openprofiles.store.config;

/**
 * A domain's event stream (CreateEventStream), kept on the domain's item: at most one per domain, AWS's quota.
 *
 * @param uri       the Kinesis data stream's ARN the domain's changes are exported to
 * @param createdAt epoch seconds
 * @param tags      the Tags member as accepted (JSON), or null
 */
public record EventStream(String name, String uri, long createdAt, String tags) {}
