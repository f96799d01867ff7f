"""PutProfileObject through the official clients (boto3 and the AWS CLI) against the local API.

Usage: python3 put_profile_object_story.py http://127.0.0.1:3000
Exits non-zero, with the failed assertion, when a response or exception class differs from AWS's.
"""
import json
import os
import subprocess
import sys
import urllib.request

import boto3
from botocore.config import Config

endpoint = sys.argv[1]
client = boto3.client(
    "customer-profiles",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="local",
    aws_secret_access_key="local",
    config=Config(retries={"max_attempts": 1}),
)
errors = client.exceptions
DOMAIN = "ExampleDomainName"

with urllib.request.urlopen(endpoint + "/") as response:
    assert response.status == 200, response.status

ctr = {"contactId": "boto3-c-1", "channel": "VOICE",
       "customerEndpoint": {"address": "+1 (720) 555-0142", "type": "TELEPHONE_NUMBER"}}
first = client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR", Object=json.dumps(ctr))
key = first["ProfileObjectUniqueKey"]
assert isinstance(key, str) and 1 <= len(key) <= 255, first
assert first["ResponseMetadata"]["HTTPStatusCode"] == 200
assert first["ResponseMetadata"]["RequestId"], first["ResponseMetadata"]
again = client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR", Object=json.dumps(ctr))
assert again["ProfileObjectUniqueKey"] == key, "a re-put of the same contact returns the same key"

john = {"firstName": "John", "lastName": "Smith", "age": 27,
        "phoneNumbers": [{"type": "home", "number": "212 555-1234"}, {"type": "office", "number": "646 555-4567"}]}
custom = client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="MyCustomObjectName", Object=json.dumps(john))
assert custom["ProfileObjectUniqueKey"] != key


def expect(exception, field, **kwargs):
    try:
        client.put_profile_object(**kwargs)
    except exception as e:
        message = e.response["Error"]["Message"]
        assert field in message, (field, message)
        assert e.response["Message"] == message, e.response
        return
    raise AssertionError(f"expected {exception.__name__} for {kwargs}")


expect(errors.BadRequestException, "ObjectTypeName", DomainName=DOMAIN, ObjectTypeName="1abc", Object="{}")
expect(errors.BadRequestException, "Object", DomainName=DOMAIN, ObjectTypeName="CTR", Object="{not json")
expect(errors.BadRequestException, "Object", DomainName=DOMAIN, ObjectTypeName="CTR", Object="[1, 2]")
expect(errors.BadRequestException, "Object", DomainName=DOMAIN, ObjectTypeName="CTR", Object="x" * 256001)
expect(errors.BadRequestException, "UNIQUE", DomainName=DOMAIN, ObjectTypeName="CTR", Object='{"channel": "VOICE"}')
expect(errors.BadRequestException, "DomainName", DomainName="d!", ObjectTypeName="CTR", Object=json.dumps(ctr))
expect(errors.ResourceNotFoundException, "NoSuchDomain", DomainName="NoSuchDomain", ObjectTypeName="CTR",
       Object=json.dumps(ctr))
expect(errors.ResourceNotFoundException, "NoSuchType", DomainName=DOMAIN, ObjectTypeName="NoSuchType",
       Object=json.dumps(ctr))

# The AWS CLI, as the README shows it.
cli = subprocess.run(
    ["aws", "customer-profiles", "put-profile-object", "--endpoint-url", endpoint, "--region", "us-east-1",
     "--domain-name", DOMAIN, "--object-type-name", "CTR", "--object", json.dumps(ctr), "--output", "json"],
    capture_output=True, text=True,
    env=dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_MAX_ATTEMPTS="1"))
assert cli.returncode == 0, cli.stderr
assert json.loads(cli.stdout) == {"ProfileObjectUniqueKey": key}, cli.stdout

cli_error = subprocess.run(
    ["aws", "customer-profiles", "put-profile-object", "--endpoint-url", endpoint, "--region", "us-east-1",
     "--domain-name", "NoSuchDomain", "--object-type-name", "CTR", "--object", "{}"],
    capture_output=True, text=True,
    env=dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_MAX_ATTEMPTS="1"))
assert cli_error.returncode != 0 and "ResourceNotFoundException" in cli_error.stderr, cli_error.stderr

print("put-profile-object story: ok")
