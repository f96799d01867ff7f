package org.openprofiles.infra;

import java.util.List;
import java.util.Map;
import org.openprofiles.api.FunctionRights;
import org.openprofiles.store.table.ProfilesTable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Function;

/** A function's role gets its {@link FunctionRights} on the table, as IAM statements: nothing more, nothing retyped. */
final class Grants {
    private Grants() {}

    static void give(Function function, List<FunctionRights.Grant> rights, String tableArn) {
        for (FunctionRights.Grant grant : rights) {
            PolicyStatement.Builder statement = PolicyStatement.Builder.create().actions(grant.actions())
                    .resources(List.of(grant.onIndex() ? tableArn + "/index/" + ProfilesTable.OBJECTS_BY_PROFILE_INDEX : tableArn));
            if (grant.leadingKeys() != null) {
                statement.conditions(Map.of("ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", grant.leadingKeys())));
            }
            function.addToRolePolicy(statement.build());
        }
    }
}
