package org.openprofiles.store.config;

import java.util.Map;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A domain's configuration item, read inside another request's strongly consistent BatchGetItem
 * (PutProfileObject's read of key values and object), so checking that the cached configuration
 * is current costs no extra call. Made by {@link ConfigReads#probe}; one per request.
 */
public final class ConfigRead {
    private final String pk;
    private Map<String, AttributeValue> item;
    private boolean read;

    ConfigRead(String pk) {
        this.pk = pk;
    }

    /** The key to add to the batch; forgets what an earlier read of this probe found. */
    public Map<String, AttributeValue> startRead() {
        item = null;
        read = true;
        return Map.of(ProfilesTable.PARTITION_KEY, AttributeValue.fromS(pk));
    }

    public boolean matches(String itemPk) {
        return pk.equals(itemPk);
    }

    public void found(Map<String, AttributeValue> found) {
        item = found;
    }

    /** The item as the last read saw it, or null when it does not exist. */
    Map<String, AttributeValue> item() {
        if (!read) throw new IllegalStateException("the configuration probe was not part of a read");
        return item;
    }
}
