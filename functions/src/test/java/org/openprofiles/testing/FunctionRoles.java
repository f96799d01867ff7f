package org.openprofiles.testing;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openprofiles.api.FunctionRights;
import org.openprofiles.prodlike.Access;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Each function's {@link FunctionRights} as its deployed IAM role applies them, for the production-like DynamoDB to
 * enforce on a client made in that role ({@link ProductionLike#clientAs}): a code path that needs a right its function's
 * role lacks is denied in the tests as it would be in AWS.
 */
public final class FunctionRoles {
    public static final String PUT_PROFILE_OBJECT = "PutProfileObject";
    public static final String ADD_PROFILE_KEY = "AddProfileKey";
    public static final String READ_PROFILES = "ReadProfiles";
    public static final String PROFILE_HISTORY = "ProfileHistory";
    public static final String PROFILE_LIFECYCLE = "ProfileLifecycle";
    public static final String ADMINISTRATION = "Administration";
    public static final String ERASURE = "Erasure";
    public static final String OBJECT_ORDER = "ObjectOrder";
    public static final String EVENT_EXPORT = "EventExport";
    /** The contact-record consumer's role is one domain's: this prefix and the domain's name. */
    public static final String CONTACT_RECORDS = "ContactRecords:";

    private static final Map<String, List<FunctionRights.Grant>> RIGHTS = Map.of(
            PUT_PROFILE_OBJECT, FunctionRights.PUT_PROFILE_OBJECT, ADD_PROFILE_KEY, FunctionRights.ADD_PROFILE_KEY,
            READ_PROFILES, FunctionRights.READ_PROFILES, PROFILE_HISTORY, FunctionRights.PROFILE_HISTORY,
            PROFILE_LIFECYCLE, FunctionRights.PROFILE_LIFECYCLE, ADMINISTRATION, FunctionRights.ADMINISTRATION,
            ERASURE, FunctionRights.ERASURE, OBJECT_ORDER, FunctionRights.OBJECT_ORDER, EVENT_EXPORT, FunctionRights.EVENT_EXPORT);

    private FunctionRoles() {}

    /**
     * Whether the access's role allows it, as IAM evaluates Allow statements: one grant names the action, on the table or
     * the index, and, when it has leading keys, every partition key the call names is like one of them
     * ({@code ForAllValues:StringLike}: true when it names none; a Query, whose keys the proxy does not resolve, needs a
     * grant without leading keys).
     */
    public static boolean allows(Access access) {
        List<FunctionRights.Grant> grants = access.role().startsWith(CONTACT_RECORDS)
                ? FunctionRights.contactRecords(access.role().substring(CONTACT_RECORDS.length()))
                : RIGHTS.getOrDefault(access.role(), List.of());
        for (FunctionRights.Grant grant : grants) {
            if (!grant.actions().contains(access.action()) || grant.onIndex() != (access.index() != null)) continue;
            if (grant.leadingKeys() == null) return true;
            if (access.leadingKeys() != null && access.leadingKeys().stream().allMatch(key -> like(key, grant.leadingKeys()))) return true;
        }
        return false;
    }

    /** Adds the role's header to every call of a client. */
    static ExecutionInterceptor header(String role) {
        return new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader(Access.ROLE_HEADER, role).build();
            }
        };
    }

    private static boolean like(String value, List<String> patterns) {
        for (String pattern : patterns) {
            StringBuilder regex = new StringBuilder();
            for (String literal : pattern.split("\\*", -1)) {
                if (!regex.isEmpty()) regex.append(".*");
                regex.append(Pattern.quote(literal));
            }
            if (value.matches(regex.toString())) return true;
        }
        return false;
    }
}
