package org.openprofiles.store.config;

/**
 * An object type's configuration item.
 *
 * @param definition the PutProfileObjectType body as put (JSON)
 * @param erasure    null for a live type; set once it is deleted and its objects are being erased
 */
public record TypeItem(String domainName, String name, String definition, long createdAt, long updatedAt, Erasure erasure) {
    public boolean deleting() { return erasure != null; }
}
