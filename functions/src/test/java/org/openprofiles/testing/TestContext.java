package org.openprofiles.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** A Lambda context whose remaining time runs down from a given budget, as Lambda's does. */
public record TestContext(long deadlineMillis) implements Context {
    /** The ARN the function was invoked by (its alias), as Lambda gives it. */
    public static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:test:live";

    public static TestContext remaining(long millis) {
        return new TestContext(System.currentTimeMillis() + millis);
    }

    @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadlineMillis - System.currentTimeMillis()); }
    @Override public String getAwsRequestId() { return "test-request"; }
    @Override public String getLogGroupName() { return null; }
    @Override public String getLogStreamName() { return null; }
    @Override public String getFunctionName() { return "test"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return FUNCTION_ARN; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getMemoryLimitInMB() { return 1024; }
    @Override public LambdaLogger getLogger() { return null; }
}
