package org.openprofiles.infra;

import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/** The CDK app: `npx aws-cdk@2.1148.1 synth|deploy` from infra/ (cdk.json runs this through Maven). */
public final class OpenProfilesCdkApp {
    private OpenProfilesCdkApp() {}

    public static void main(String[] args) {
        // Path and asset metadata let SAM CLI find the functions in the synthesized templates.
        App app = new App(AppProps.builder()
                .context(Map.of("aws:cdk:enable-path-metadata", true, "aws:cdk:enable-asset-metadata", true))
                .build());
        OpenProfiles.build(app);
        app.synth();
    }
}
