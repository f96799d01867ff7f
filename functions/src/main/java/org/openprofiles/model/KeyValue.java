package org.openprofiles.model;

/** A key name with one normalised value: the unit that resolution looks up and profiles hold. */
public record KeyValue(String keyName, String value) {}
