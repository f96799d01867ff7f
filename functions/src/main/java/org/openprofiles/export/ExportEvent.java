package org.openprofiles.export;

import java.util.Map;

/**
 * One event of the "Real-time export Kinesis payload" format, ready to be written to a domain's event stream.
 *
 * @param partitionKey the profile id (events of one profile stay in order on one shard), or the object's unique key
 *                     for an object that matched no profile
 * @param profileId    the profile the event is about, or null
 * @param payload      the event's members, in the documented order
 */
public record ExportEvent(String eventId, String domain, String partitionKey, String profileId, ChangeEvents.Type type,
                          Map<String, Object> payload) {}
