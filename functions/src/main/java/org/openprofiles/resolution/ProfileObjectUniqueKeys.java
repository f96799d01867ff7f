package org.openprofiles.resolution;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * ProfileObjectUniqueKey: a deterministic digest of the object type and the UNIQUE key value, so a
 * re-put of the same object returns the same key and replaces the object in place.
 */
public final class ProfileObjectUniqueKeys {
    private ProfileObjectUniqueKeys() {}

    /** 64 lowercase hex characters (well inside the model's 255). */
    public static String of(String objectTypeName, String uniqueValue) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha256.digest((objectTypeName + '\u001f' + uniqueValue).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
