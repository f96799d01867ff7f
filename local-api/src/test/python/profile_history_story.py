"""Profile history (ListProfileHistoryRecords, GetProfileHistoryRecord) and the newest-first ListProfileObjects through
boto3 and the AWS CLI, against the local API.

Usage: python3 profile_history_story.py http://127.0.0.1:3000
Exits non-zero, with the failed assertion, when a response shape, order or exception class differs from what AWS's
clients expect.
"""
import datetime
import json
import os
import subprocess
import sys
import uuid

import boto3
from botocore.config import Config

endpoint = sys.argv[1]
client = boto3.client(
    "customer-profiles", endpoint_url=endpoint, region_name="us-east-1",
    aws_access_key_id="historian", aws_secret_access_key="local", config=Config(retries={"max_attempts": 1}))
errors = client.exceptions
DOMAIN = "ExampleDomainName"
run = uuid.uuid4().hex[:8]
phone = "+1 (415) 555-" + str(1000 + int(run, 16) % 9000)
cli_env = dict(os.environ, AWS_ACCESS_KEY_ID="cli-user", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1",
               AWS_MAX_ATTEMPTS="1")


def cli(*args):
    """One AWS CLI call (its JSON output), as a user would type it."""
    done = subprocess.run(["aws", "customer-profiles", *args, "--endpoint-url", endpoint, "--output", "json"],
                          capture_output=True, text=True, env=cli_env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


# 1. Three contact records of one caller: an inferred profile; "the customer's last call" is Items[0].
for n in range(3):
    client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR",
                              Object=json.dumps({"contactId": f"history-{run}-{n}", "customerEndpoint": {"address": phone}}))
profile_id = client.search_profiles(DomainName=DOMAIN, KeyName="_phone", Values=[phone])["Items"][0]["ProfileId"]
objects = client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=profile_id)["Items"]
assert [json.loads(i["Object"])["contactId"] for i in objects] == [f"history-{run}-{n}" for n in (2, 1, 0)], objects
first_page = client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=profile_id, MaxResults=2)
second_page = client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=profile_id, MaxResults=2,
                                          NextToken=first_page["NextToken"])
assert [i["Object"] for i in first_page["Items"] + second_page["Items"]] == [i["Object"] for i in objects]

# 2. A manual change through the CLI (another caller), then the profile's history, newest first.
cli("update-profile", "--domain-name", DOMAIN, "--profile-id", profile_id, "--first-name", "Rosa")
records = client.list_profile_history_records(DomainName=DOMAIN, ProfileId=profile_id)["ProfileHistoryRecords"]
assert [r["ActionType"] for r in records][0] == "UPDATED", records
assert sorted(r["ActionType"] for r in records[1:]) == ["CREATED", "INGESTED", "INGESTED", "INGESTED"], records
assert all(isinstance(r["CreatedAt"], datetime.datetime) and "Content" not in r for r in records), records
assert records[0]["PerformedBy"] == "arn:aws:iam::000000000000:user/cli-user", records[0]
assert all(r["PerformedBy"] == "arn:aws:iam::000000000000:user/historian" for r in records[1:]), records
ingested = [r for r in records if r["ActionType"] == "INGESTED"]
assert {r["ProfileObjectUniqueKey"] for r in ingested} == {i["ProfileObjectUniqueKey"] for i in objects}, ingested

# 3. Filters (combined), pages, and one record with its Content.
only = client.list_profile_history_records(DomainName=DOMAIN, ProfileId=profile_id, ActionType="INGESTED", ObjectTypeName="CTR",
                                           MaxResults=2)
assert len(only["ProfileHistoryRecords"]) == 2 and only["NextToken"], only
rest = client.list_profile_history_records(DomainName=DOMAIN, ProfileId=profile_id, ActionType="INGESTED", ObjectTypeName="CTR",
                                           MaxResults=2, NextToken=only["NextToken"])
assert len(rest["ProfileHistoryRecords"]) == 1, rest
record = client.get_profile_history_record(DomainName=DOMAIN, ProfileId=profile_id, Id=records[0]["Id"])
assert record["ActionType"] == "UPDATED" and json.loads(record["Content"])["FirstName"] == "Rosa", record
by_cli = cli("list-profile-history-records", "--domain-name", DOMAIN, "--profile-id", profile_id, "--performed-by",
             "arn:aws:iam::000000000000:user/cli-user")
assert [r["Id"] for r in by_cli["ProfileHistoryRecords"]] == [records[0]["Id"]], by_cli
got = cli("get-profile-history-record", "--domain-name", DOMAIN, "--profile-id", profile_id, "--id", ingested[0]["Id"])
assert json.loads(got["Content"])["contactId"].startswith(f"history-{run}-"), got


def expect(exception, call, **kwargs):
    try:
        call(**kwargs)
    except exception:
        return
    raise AssertionError(f"expected {exception.__name__} for {kwargs}")


expect(errors.ResourceNotFoundException, client.get_profile_history_record, DomainName=DOMAIN, ProfileId=profile_id,
       Id="0123456789abcdef0123456789abcdef")
expect(errors.ResourceNotFoundException, client.list_profile_history_records, DomainName=DOMAIN,
       ProfileId="0123456789abcdef0123456789abcdef")
expect(errors.BadRequestException, client.list_profile_history_records, DomainName=DOMAIN, ProfileId=profile_id,
       PerformedBy="x" * 256)

# 4. DeleteProfile erases the history with the profile.
client.delete_profile(DomainName=DOMAIN, ProfileId=profile_id)
expect(errors.ResourceNotFoundException, client.get_profile_history_record, DomainName=DOMAIN, ProfileId=profile_id,
       Id=records[0]["Id"])
print("profile history story: ok")
