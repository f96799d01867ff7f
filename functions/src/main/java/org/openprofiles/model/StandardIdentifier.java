package org.openprofiles.model;

/**
 * The profile-resolution identifiers this implementation supports. The standard-object
 * identifiers of the AWS model (ASSET, CASE, ORDER, ...) are refused when a domain is loaded.
 */
public enum StandardIdentifier { PROFILE, UNIQUE, SECONDARY, LOOKUP_ONLY, NEW_ONLY }
