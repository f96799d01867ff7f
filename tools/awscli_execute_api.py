"""AWS CLI plugin: sign `aws customer-profiles` calls for an API Gateway endpoint (service name execute-api).

The deployed API is an API Gateway REST API with AWS_IAM authorisation, so requests must be signed for
`execute-api`, not for `profile` as the CLI does by default (README, "Calling the deployed API").
Enable it with:
    export PYTHONPATH=/path/to/openprofiles/tools
    aws configure set plugins.execute_api awscli_execute_api
"""


def sign_for_api_gateway(request, **kwargs):
    request.context.setdefault("signing", {})["signing_name"] = "execute-api"


def awscli_initialize(cli):
    cli.register("before-sign.customer-profiles", sign_for_api_gateway)
