package org.openprofiles.model;

/** How a field's value is normalised before it is indexed or matched as a key value. */
public enum ContentType { STRING, NUMBER, PHONE_NUMBER, EMAIL_ADDRESS, NAME }
