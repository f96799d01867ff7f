package org.openprofiles.model;

/**
 * One entry of an object type's {@code Fields} map.
 *
 * @param name        the local field name (the map key)
 * @param source      a {@code _source.} accessor or a Handlebars template
 * @param target      a {@code _profile.} accessor, or null for a field that only feeds keys
 * @param contentType normalisation for key values (STRING when not given)
 */
public record FieldDefinition(String name, String source, String target, ContentType contentType) {}
