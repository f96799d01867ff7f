"""Runtime administration through the official clients against the local API: create a domain, define
an object type, ingest and search, then delete the type and the domain (issue 11's story), plus the
README's AWS CLI quick start, word for word.

Usage: python3 admin_story.py http://127.0.0.1:3000
Exits non-zero, with the failed assertion, when a response or exception class differs from AWS's.
"""
import datetime
import json
import os
import subprocess
import sys

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
DOMAIN = "AdminStoryDomain"


def refused(exception, words, call, **kwargs):
    try:
        call(**kwargs)
    except exception as e:
        message = e.response["Error"]["Message"]
        assert words in message, (words, message)
        return message
    raise AssertionError(f"expected {exception.__name__} from {call.__name__} {kwargs}")


# A domain.
created = client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30, Tags={"team": "crm"})
assert created["DomainName"] == DOMAIN and created["DefaultExpirationDays"] == 30, created
assert isinstance(created["CreatedAt"], datetime.datetime), created  # epoch seconds parse as datetimes
now = datetime.datetime.now(datetime.timezone.utc)
assert abs((created["CreatedAt"] - now).total_seconds()) < 300, created["CreatedAt"]
assert client.get_domain(DomainName=DOMAIN)["Tags"] == {"team": "crm"}
assert DOMAIN in [d["DomainName"] for d in client.list_domains()["Items"]]
assert client.update_domain(DomainName=DOMAIN, DefaultExpirationDays=60)["DefaultExpirationDays"] == 60
refused(errors.BadRequestException, "already exists", client.create_domain, DomainName=DOMAIN, DefaultExpirationDays=30)
refused(errors.BadRequestException, "DeadLetterQueueUrl", client.create_domain, DomainName="Other", DefaultExpirationDays=30,
        DeadLetterQueueUrl="https://sqs.us-east-1.amazonaws.com/1/q")
refused(errors.BadRequestException, "DefaultExpirationDays", client.create_domain, DomainName="Other", DefaultExpirationDays=5000)
refused(errors.ResourceNotFoundException, "does not exist", client.get_domain, DomainName="NoSuchDomain")

# An object type, defined through the API and read back as it was put.
fields = {
    "accountId": {"Source": "_source.accountId", "ContentType": "STRING"},
    "email": {"Source": "_source.email", "Target": "_profile.EmailAddress", "ContentType": "EMAIL_ADDRESS"},
    "first": {"Source": "_source.name.first", "Target": "_profile.FirstName", "ContentType": "NAME"},
}
keys = {
    "accountId": [{"StandardIdentifiers": ["UNIQUE"], "FieldNames": ["accountId"]}],
    "_email": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["email"]}],
}
put = client.put_profile_object_type(DomainName=DOMAIN, ObjectTypeName="Account", Description="accounts",
                                     AllowProfileCreation=True, Fields=fields, Keys=keys)
got = client.get_profile_object_type(DomainName=DOMAIN, ObjectTypeName="Account")
for member in ("ObjectTypeName", "Description", "AllowProfileCreation", "Fields", "Keys", "CreatedAt", "LastUpdatedAt"):
    assert got[member] == put[member], (member, got[member], put[member])
assert got["Fields"] == fields and got["Keys"] == keys
assert [t["ObjectTypeName"] for t in client.list_profile_object_types(DomainName=DOMAIN)["Items"]] == ["Account"]
refused(errors.BadRequestException, "UNIQUE", client.put_profile_object_type, DomainName=DOMAIN, ObjectTypeName="Broken",
        Description="no unique key", Fields=fields, Keys={"_email": keys["_email"]})
refused(errors.BadRequestException, "SourcePriority is not supported", client.put_profile_object_type, DomainName=DOMAIN,
        ObjectTypeName="Ranked", Description="d", SourcePriority=1, Fields=fields, Keys=keys)
refused(errors.ResourceNotFoundException, "does not exist", client.get_profile_object_type, DomainName=DOMAIN, ObjectTypeName="Nope")

# Templates.
templates = [t["TemplateId"] for t in client.list_profile_object_type_templates()["Items"]]
assert templates == ["CTR", "CTR-AutoAssociateOnly", "CTR-NoInferred"], templates
assert "_ctrContactId" in client.get_profile_object_type_template(TemplateId="CTR")["Keys"]
refused(errors.ResourceNotFoundException, "does not exist", client.get_profile_object_type_template, TemplateId="Nope")

# Ingest and find the profile.
record = {"accountId": "A-1", "email": "Ann@Example.com", "name": {"first": "Ann"}}
key = client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="Account", Object=json.dumps(record))["ProfileObjectUniqueKey"]
found = client.search_profiles(DomainName=DOMAIN, KeyName="_email", Values=["ann@example.com"])["Items"]
assert len(found) == 1 and found[0]["FirstName"] == "Ann" and found[0]["EmailAddress"] == "Ann@Example.com", found
objects = client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="Account", ProfileId=found[0]["ProfileId"])["Items"]
assert [o["ProfileObjectUniqueKey"] for o in objects] == [key], objects

# Delete the type, then the domain: gone at once.
assert "erased" in client.delete_profile_object_type(DomainName=DOMAIN, ObjectTypeName="Account")["Message"]
refused(errors.ResourceNotFoundException, "Account", client.put_profile_object, DomainName=DOMAIN, ObjectTypeName="Account",
        Object=json.dumps(record))
refused(errors.ResourceNotFoundException, "being erased", client.get_profile_object_type, DomainName=DOMAIN, ObjectTypeName="Account")
assert "erased" in client.delete_domain(DomainName=DOMAIN)["Message"]
refused(errors.ResourceNotFoundException, "being erased", client.get_domain, DomainName=DOMAIN)
refused(errors.ResourceNotFoundException, DOMAIN, client.search_profiles, DomainName=DOMAIN, KeyName="_email", Values=["ann@example.com"])
assert DOMAIN not in [d["DomainName"] for d in client.list_domains()["Items"]]

# The README's quick start with the AWS CLI, word for word (QuickStart domain).
cli_env = dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1",
               AWS_MAX_ATTEMPTS="1")
readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "README.md"), encoding="utf-8").read()
block = readme.split("<!-- quick-start-local -->")[1].split("```bash")[1].split("```")[0]
commands = [c.strip() for c in block.replace("\\\n", " ").split("\n") if c.strip() and not c.strip().startswith("#")]
assert len(commands) == 5, commands
outputs = []
for command in commands:
    command = command.replace("http://127.0.0.1:3000", endpoint)
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=cli_env)
    assert run.returncode == 0, (command, run.stderr)
    outputs.append(run.stdout)
search = json.loads(outputs[-1])
assert len(search["Items"]) == 1 and search["Items"][0]["FirstName"] == "Jane", search
client.delete_domain(DomainName="QuickStart")

print("admin story: ok")
