package org.openprofiles.service;

import static org.openprofiles.service.RequestFields.checkLength;
import static org.openprofiles.service.RequestFields.checkPattern;
import static org.openprofiles.service.RequestFields.requiredString;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.openprofiles.config.Names;
import org.openprofiles.model.ServiceException;

/**
 * A validated PutProfileObject request.
 *
 * @param objectJson the Object exactly as sent, which is what is stored and listed
 * @param object     the same, parsed
 */
public record PutProfileObjectRequest(String domainName, String objectTypeName, String objectJson,
                                      Map<String, Object> object) {
    /** The model's limit (stringifiedJson) and the service quota (250 KB per object). */
    public static final int MAX_OBJECT_LENGTH = 256_000;

    public static PutProfileObjectRequest parse(String domainName, String body) {
        String domain = DomainNames.check(domainName);
        Map<String, Object> request = RequestFields.parseBody(body);
        String typeName = checkTypeName(requiredString(request, "ObjectTypeName"));
        String objectJson = requiredString(request, "Object");
        return new PutProfileObjectRequest(domain, typeName, objectJson, checkObject(objectJson, null));
    }

    /**
     * A request for an object that comes from elsewhere than an API body (a contact record from a stream),
     * checked by the same rules.
     *
     * @param object {@code objectJson} already parsed, or null
     */
    public static PutProfileObjectRequest of(String domainName, String objectTypeName, String objectJson, Map<String, Object> object) {
        String domain = DomainNames.check(domainName);
        String typeName = checkTypeName(objectTypeName);
        return new PutProfileObjectRequest(domain, typeName, objectJson, checkObject(objectJson, object));
    }

    static String checkTypeName(String typeName) {
        checkLength("ObjectTypeName", typeName, Names.TYPE_NAME_MIN, Names.TYPE_NAME_MAX);
        checkPattern("ObjectTypeName", typeName, Names.TYPE_NAME);
        if (typeName.startsWith("_")) {
            throw ServiceException.badRequest("ObjectTypeName '" + typeName
                    + "' is reserved: names starting with '_' are standard object types, which PutProfileObject does not accept");
        }
        return typeName;
    }

    /** The object's size limits; returns it parsed (or {@code parsed} when the caller already did). */
    private static Map<String, Object> checkObject(String objectJson, Map<String, Object> parsed) {
        checkLength("Object", objectJson, 1, MAX_OBJECT_LENGTH);
        // Also bounded in bytes: the quota is 250 KB, and one DynamoDB item holds at most 400 KB.
        int bytes = objectJson.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_OBJECT_LENGTH) {
            throw ServiceException.badRequest("Object must be at most " + MAX_OBJECT_LENGTH
                    + " bytes in UTF-8 (the 250 KB object quota); it was " + bytes);
        }
        return parsed != null ? parsed : RequestFields.jsonObject(objectJson, "Object");
    }
}
