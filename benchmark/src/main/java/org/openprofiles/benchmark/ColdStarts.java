package org.openprofiles.benchmark;

import static org.openprofiles.benchmark.Harness.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Fresh-JVM cold starts of the shaded jar's handlers beside a bare JVM. */
final class ColdStarts {
    private ColdStarts() {}

    static final int COLD_STARTS = Integer.getInteger("benchmark.coldStarts", 9);

    /** One fresh JVM: milliseconds to its first response, and its peak heap in bytes. */
    static double[] coldStart(Path javaHome, Map<String, String> env, String... mainClassAndArgs) throws Exception {
        String classpath = JAR + java.io.File.pathSeparator + CLASSES;
        String java = javaHome.resolve("bin/java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", classpath));
        command.addAll(List.of(mainClassAndArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process process = builder.start();
        String line;
        StringBuilder output = new StringBuilder();
        double[] result;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            while ((line = out.readLine()) != null && !line.startsWith("FIRST_RESPONSE")) output.append(line).append('\n');
            if (line == null) throw new IllegalStateException(mainClassAndArgs[0] + " gave no response:\n" + output);
            double elapsed = (System.nanoTime() - started) / 1e6;
            String[] parts = line.split(" ");
            if (!parts[1].equals("200")) throw new IllegalStateException(mainClassAndArgs[0] + " answered " + line + "\n" + output);
            result = new double[] {elapsed, Double.parseDouble(parts[2])};
        }
        process.waitFor();
        return result;
    }

    /** The cold-start table, for each JVM of {@link Harness#javaHomes}; false when a target is missed. */
    static boolean run(URI endpoint, String table, String profileId) throws Exception {
        boolean pass = true;
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_DYNAMODB", endpoint.toString(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "bench", "AWS_SECRET_ACCESS_KEY", "bench", "TABLE_NAME", table);
        String[][] drivers = {
                {"bare JVM: same SDK client, one PutItem", "org.openprofiles.benchmark.BareClientDriver"},
                {"PutProfileObject handler, first response", "org.openprofiles.benchmark.ColdStartDriver", "PutProfileObject",
                        "{\"ObjectTypeName\":\"CTR\",\"Object\":\"{\\\"contactId\\\":\\\"cold\\\",\\\"customerEndpoint\\\":{\\\"address\\\":\\\"+12065550199\\\"}}\"}"},
                {"AddProfileKey handler, first response", "org.openprofiles.benchmark.ColdStartDriver", "AddProfileKey",
                        "{\"ProfileId\":\"" + profileId + "\",\"KeyName\":\"loyaltyId\",\"Values\":[\"cold\"]}"},
                {"SearchProfiles handler, first response", "org.openprofiles.benchmark.ColdStartDriver", "SearchProfiles",
                        "{\"KeyName\":\"_phone\",\"Values\":[\"+12065550100\"]}"}};
        for (Path javaHome : javaHomes()) {
            System.out.println();
            System.out.println("== Cold start: fresh JVM " + javaHome + " (" + String.join(" ", JVM_FLAGS) + "), shaded jar, median of "
                    + COLD_STARTS + " ==");
            // Rounds of one fresh JVM each, interleaved, so the machine's drift affects every driver alike.
            double[][] millis = new double[drivers.length][COLD_STARTS];
            double[][] heap = new double[drivers.length][COLD_STARTS];
            for (int round = 0; round < COLD_STARTS; round++) {
                progress("cold start on " + javaHome.getFileName() + ", round " + (round + 1) + "/" + COLD_STARTS);
                for (int d = 0; d < drivers.length; d++) {
                    double[] one = coldStart(javaHome, env, Arrays.copyOfRange(drivers[d], 1, drivers[d].length));
                    millis[d][round] = one[0];
                    heap[d][round] = one[1];
                }
            }
            double bareMedian = median(millis[0]);
            for (int d = 0; d < drivers.length; d++) {
                double ratio = median(millis[d]) / bareMedian;
                System.out.printf("%-52s %9.0f ms   peak heap %5.1f MB%s%n", drivers[d][0], median(millis[d]), median(heap[d]) / 1e6,
                        d == 0 ? "" : String.format("   %5.2fx bare", ratio));
                if (d > 0) pass &= check("cold start " + drivers[d][2] + " on " + javaHome.getFileName(), ratio <= 1.3,
                        String.format("%.2fx <= 1.3x", ratio));
            }
        }
        return pass;
    }
}
