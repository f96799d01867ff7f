package org.openprofiles.store.read;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openprofiles.json.Json;
import org.openprofiles.model.ServiceException;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Pagination tokens: a DynamoDB LastEvaluatedKey as base64url JSON. A token is only accepted for
 * the index partition it was issued for, so a forged or corrupted token is a 400, never a 500,
 * and never reaches another profile's data.
 */
final class PageTokens {
    private PageTokens() {}

    static String encode(Map<String, AttributeValue> lastEvaluatedKey) {
        if (lastEvaluatedKey == null || lastEvaluatedKey.isEmpty()) return null;
        Map<String, Object> key = new LinkedHashMap<>();
        lastEvaluatedKey.forEach((name, value) -> key.put(name, value.s()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(key).getBytes(StandardCharsets.UTF_8));
    }

    /** @param partition the index partition the token must belong to */
    static Map<String, AttributeValue> decode(String token, String partition) {
        if (token == null) return null;
        Object parsed;
        try {
            parsed = Json.parse(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | Json.ParseException e) {
            throw invalid();
        }
        if (!(parsed instanceof Map<?, ?> key) || key.size() != 3) throw invalid();
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        for (String name : new String[] {ProfilesTable.PARTITION_KEY, ProfilesTable.INDEX_PARTITION_KEY, ProfilesTable.INDEX_SORT_KEY}) {
            if (!(key.get(name) instanceof String value) || value.isEmpty()) throw invalid();
            out.put(name, AttributeValue.fromS(value));
        }
        if (!out.get(ProfilesTable.INDEX_PARTITION_KEY).s().equals(partition)) throw invalid();
        return out;
    }

    private static ServiceException invalid() {
        return ServiceException.badRequest("next-token is not a valid token for this request");
    }
}
