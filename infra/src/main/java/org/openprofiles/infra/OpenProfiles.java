package org.openprofiles.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openprofiles.config.DomainLoader;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;

/**
 * The service's stacks, as `cdk synth` and the template tests build them: the domain files are
 * validated first (a bad object type stops synth with the same message as PutProfileObjectType
 * gives), then the data stack (the table) and the API stack (which applies the files at deploy),
 * with cdk-nag's AwsSolutions checks and every acknowledgement's reason.
 */
public final class OpenProfiles {
    /** The jar the functions run; built by `mvn package` in functions/. */
    static final String JAR = "functions/target/functions-0.1.0-SNAPSHOT-lambda.jar";

    /** @param contactRecords the contact-record stack, or null when the context names no domain for it */
    public record Stacks(DataStack data, ApiStack api, ContactRecordStack contactRecords) {}

    private OpenProfiles() {}

    public static Stacks build(App app) {
        Map<String, String> domainFiles = DomainLoader.classpathFiles();
        DomainLoader.parseAll(domainFiles);
        // The API stack imports the table from the data stack; keep the export protected.
        app.getNode().setContext("@aws-cdk/core:defaultCrossStackReferences", "strong");
        StackProps props = StackProps.builder().description("openprofiles: Customer Profiles ingestion").build();
        DataStack data = new DataStack(app, props);
        Object alarmEmail = app.getNode().tryGetContext(ApiStack.ALARM_EMAIL_CONTEXT);
        ApiStack api = new ApiStack(app, props, data.table(), lambdaJar(), digest(domainFiles), alarmEmail == null ? null : alarmEmail.toString());
        ContactRecordStack.Settings settings = ContactRecordStack.Settings.fromContext(app);
        ContactRecordStack contactRecords = settings == null ? null
                : new ContactRecordStack(app, props, data.table(), lambdaJar(), settings, api.alarmTopic());
        Aspects.of(app).add(new AwsSolutionsChecks());
        acknowledge(api);
        if (contactRecords != null) acknowledge(contactRecords);
        return new Stacks(data, api, contactRecords);
    }

    /** The jar next to infra/ or template-tests/ (the CDK CLI and the tests run from there), or from the root. */
    static Path lambdaJar() {
        for (Path candidate : List.of(Path.of("..").resolve(JAR), Path.of(JAR))) {
            if (Files.isRegularFile(candidate)) return candidate.toAbsolutePath().normalize();
        }
        throw new IllegalStateException(JAR + " is missing: build it first (mvn -B -DskipTests package)");
    }

    static String digest(Map<String, String> files) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(files).forEach((name, json) -> sha256.update((name + '\u0000' + json + '\u0000').getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void acknowledge(ApiStack api) {
        NagSuppressions.addStackSuppressions(api, List.of(
                suppression("AwsSolutions-IAM4", "AWSLambdaBasicExecutionRole (functions) and AmazonAPIGatewayPushToCloudWatchLogs "
                        + "(the API Gateway account role) grant only CloudWatch Logs writes; the DynamoDB grants are our own least-privilege statements"),
                suppression("AwsSolutions-IAM5", "The API Gateway CloudWatch role's managed policy needs log groups it creates at runtime; "
                        + "event streams name their Kinesis streams at run time, so PutRecords and DescribeStreamSummary are granted on "
                        + "this account's and region's streams (stream/*) unless -c eventStreamArns names them"),
                suppression("AwsSolutions-APIG3", "No WAF: callers are authenticated with SigV4 (AWS_IAM) and the stage is throttled; "
                        + "attach a web ACL in front if the deployment needs one"),
                suppression("AwsSolutions-SQS3", "The queue is itself a dead-letter destination: the event exporter's on-failure "
                        + "destination, read by people, never by a consumer that could fail"),
                suppression("AwsSolutions-COG4", "Authorisation is AWS_IAM (SigV4), the same as the AWS Customer Profiles API, not Cognito"),
                suppression("AwsSolutions-L1", "Java 25 is the newest Java runtime; cdk-nag's latest-runtime check compares across languages")),
                true);
    }

    private static void acknowledge(ContactRecordStack contactRecords) {
        NagSuppressions.addStackSuppressions(contactRecords, List.of(
                suppression("AwsSolutions-IAM4", "AWSLambdaBasicExecutionRole grants only CloudWatch Logs writes; the DynamoDB and "
                        + "Kinesis grants are our own least-privilege statements"),
                suppression("AwsSolutions-SQS3", "The queue is itself a dead-letter destination: the event source mapping's on-failure "
                        + "destination, read by people, never by a consumer that could fail"),
                suppression("AwsSolutions-L1", "Java 25 is the newest Java runtime; cdk-nag's latest-runtime check compares across languages")),
                true);
    }

    private static NagPackSuppression suppression(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }
}
