"""The profile lifecycle (CreateProfile ... DeleteProfile) through boto3 and the AWS CLI, against the local API.

Usage: python3 profile_lifecycle_story.py http://127.0.0.1:3000
Exits non-zero, with the failed assertion, when a response shape, status or exception class differs from AWS's.
"""
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
    aws_access_key_id="local", aws_secret_access_key="local", config=Config(retries={"max_attempts": 1}))
errors = client.exceptions
DOMAIN = "ExampleDomainName"
run = uuid.uuid4().hex[:8]
digits = str(1000 + int(run, 16) % 9000)
cli_env = dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1",
               AWS_MAX_ATTEMPTS="1")


def cli(*args):
    """One AWS CLI call (its JSON output), as a user would type it."""
    done = subprocess.run(["aws", "customer-profiles", *args, "--endpoint-url", endpoint, "--output", "json"],
                          capture_output=True, text=True, env=cli_env)
    assert done.returncode == 0, (args, done.stderr)
    return json.loads(done.stdout) if done.stdout.strip() else {}


def cli_fails(error, *args):
    done = subprocess.run(["aws", "customer-profiles", *args, "--endpoint-url", endpoint],
                          capture_output=True, text=True, env=cli_env)
    assert done.returncode != 0 and error in done.stderr, (args, done.returncode, done.stderr)


def expect(exception, words, call, **kwargs):
    try:
        call(**kwargs)
    except exception as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == {"BadRequestException": 400,
                                                                    "ResourceNotFoundException": 404}[exception.__name__]
        message = e.response["Error"]["Message"]
        assert words in message, (words, message)
        return
    raise AssertionError(f"expected {exception.__name__} for {kwargs}")


def search(key_name, value):
    return sorted(p["ProfileId"] for p in client.search_profiles(DomainName=DOMAIN, KeyName=key_name, Values=[value])["Items"])


def profile(profile_id):
    got = client.batch_get_profile(DomainName=DOMAIN, ProfileIds=[profile_id])
    assert got["Errors"] == [], got
    return got["Profiles"][0]


# 1. CreateProfile (boto3): manual fields, nested address and attributes; the profile answers its standard keys.
phone = "+1 (206) 555-" + digits
created = client.create_profile(DomainName=DOMAIN, FirstName="Ana", LastName="Lima", PhoneNumber=phone,
                                EmailAddress=f"ana.{run}@example.com", Address={"City": "Seattle"},
                                Attributes={"tier": "gold", "color": "blue"}, Gender="FEMALE", PartyType="INDIVIDUAL")
ana = created["ProfileId"]
assert len(ana) == 32 and set(created) == {"ProfileId", "ResponseMetadata"}, created
assert search("_phone", phone.replace(" ", "")) == [ana]
assert search("_email", f"ANA.{run}@example.com") == [ana]

# 2. UpdateProfile (boto3): a new phone replaces the old key, an empty string removes an attribute, address members merge.
new_phone = "+1 (206) 556-" + digits
updated = client.update_profile(DomainName=DOMAIN, ProfileId=ana, PhoneNumber=new_phone, Attributes={"color": ""},
                                Address={"State": "WA"})
assert updated["ProfileId"] == ana, updated
assert search("_phone", phone) == [], "the old number's last source went"
assert search("_phone", new_phone) == [ana]

# 3. BatchGetProfile (boto3): one known and one unknown id.
unknown = "0" * 31 + "1"
batch = client.batch_get_profile(DomainName=DOMAIN, ProfileIds=[ana, unknown])
assert [p["ProfileId"] for p in batch["Profiles"]] == [ana], batch
got = batch["Profiles"][0]
assert (got["FirstName"], got["LastName"], got["PhoneNumber"], got["Gender"], got["PartyType"]) == (
    "Ana", "Lima", new_phone, "FEMALE", "INDIVIDUAL"), got
assert got["Address"] == {"City": "Seattle", "State": "WA"}, got
assert got["Attributes"] == {"tier": "gold"}, got
assert batch["Errors"] == [{"Code": "ResourceNotFoundException", "Message": f"Profile '{unknown}' does not exist",
                            "ProfileId": unknown}], batch

# 4. AddProfileKey and PutProfileObject: a loyalty key and two contact records on Ana's new number.
client.add_profile_key(DomainName=DOMAIN, ProfileId=ana, KeyName="loyalty", Values=["L-" + run])
assert search("loyalty", "L-" + run) == [ana]
first_key = client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR", Object=json.dumps(
    {"contactId": "lc-a-" + run, "customerEndpoint": {"address": new_phone}}))["ProfileObjectUniqueKey"]
client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR", Object=json.dumps(
    {"contactId": "lc-b-" + run, "customerEndpoint": {"address": new_phone}}))
assert search("_ctrContactId", "lc-a-" + run) == [ana]
assert len(client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=ana)["Items"]) == 2

# 5. DeleteProfileKey (boto3): the loyalty value no longer names Ana. Its Message is the whole response.
deleted_key = client.delete_profile_key(DomainName=DOMAIN, ProfileId=ana, KeyName="loyalty", Values=["L-" + run])
assert isinstance(deleted_key["Message"], str) and deleted_key["Message"], deleted_key
assert set(deleted_key) == {"Message", "ResponseMetadata"}, deleted_key
assert search("loyalty", "L-" + run) == []

# 6. DeleteProfileObject (boto3): the first record goes, and its contact id with it; the phone keeps its other sources.
deleted_object = client.delete_profile_object(DomainName=DOMAIN, ProfileId=ana, ObjectTypeName="CTR",
                                              ProfileObjectUniqueKey=first_key)
assert deleted_object["Message"], deleted_object
assert search("_ctrContactId", "lc-a-" + run) == []
assert search("_ctrContactId", "lc-b-" + run) == [ana]
assert search("_phone", new_phone) == [ana]

# 7. MergeProfiles (boto3): an inferred profile and a created one merge into Ana; FirstName from the second.
other_phone = "+1 (312) 555-" + digits
client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR", Object=json.dumps(
    {"contactId": "lc-c-" + run, "customerEndpoint": {"address": other_phone}}))
[inferred] = search("_ctrContactId", "lc-c-" + run)
bea = client.create_profile(DomainName=DOMAIN, FirstName="Bea", MiddleName="M", Attributes={"team": "red"})["ProfileId"]
merged = client.merge_profiles(DomainName=DOMAIN, MainProfileId=ana, ProfileIdsToBeMerged=[inferred, bea],
                               FieldSourceProfileIds={"FirstName": bea, "Attributes": {"team": bea}})
assert merged["Message"] and set(merged) == {"Message", "ResponseMetadata"}, merged
assert search("_ctrContactId", "lc-c-" + run) == [ana]
assert search("_phone", other_phone) == [ana]
got = profile(ana)
assert (got["FirstName"], got["MiddleName"], got["LastName"]) == ("Bea", "M", "Lima"), got
assert got["Attributes"] == {"tier": "gold", "team": "red"}, got
gone = client.batch_get_profile(DomainName=DOMAIN, ProfileIds=[inferred, bea])
assert gone["Profiles"] == [] and sorted(e["ProfileId"] for e in gone["Errors"]) == sorted([inferred, bea]), gone
assert len(client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=ana)["Items"]) == 2

# 8. DeleteProfile (boto3): nothing of Ana is found any more; a second delete is a 404.
assert client.delete_profile(DomainName=DOMAIN, ProfileId=ana)["Message"]
assert search("_phone", new_phone) == [] and search("_ctrContactId", "lc-b-" + run) == []
assert client.batch_get_profile(DomainName=DOMAIN, ProfileIds=[ana])["Profiles"] == []
assert client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=ana)["Items"] == []

# 9. Typed errors: 404 ResourceNotFoundException, 400 BadRequestException naming the member.
NotFound, BadRequest = errors.ResourceNotFoundException, errors.BadRequestException
expect(NotFound, "Profile", client.delete_profile, DomainName=DOMAIN, ProfileId=ana)
expect(NotFound, "Profile", client.update_profile, DomainName=DOMAIN, ProfileId=unknown, FirstName="X")
expect(NotFound, "Profile", client.delete_profile_key, DomainName=DOMAIN, ProfileId=unknown, KeyName="loyalty", Values=["v"])
expect(NotFound, "Profile", client.delete_profile_object, DomainName=DOMAIN, ProfileId=unknown, ObjectTypeName="CTR",
       ProfileObjectUniqueKey="k")
expect(NotFound, unknown, client.merge_profiles, DomainName=DOMAIN, MainProfileId=unknown, ProfileIdsToBeMerged=[bea])
expect(NotFound, "NoSuchDomain", client.create_profile, DomainName="NoSuchDomain", FirstName="X")
expect(NotFound, "NoSuchDomain", client.batch_get_profile, DomainName="NoSuchDomain", ProfileIds=[unknown])
expect(BadRequest, "Gender", client.create_profile, DomainName=DOMAIN, Gender="ROBOT")
expect(BadRequest, "FirstName", client.create_profile, DomainName=DOMAIN, FirstName="x" * 256)
expect(BadRequest, "ProfileId", client.update_profile, DomainName=DOMAIN, ProfileId="not-an-id", FirstName="X")
expect(BadRequest, "EngagementPreferences", client.create_profile, DomainName=DOMAIN,
       EngagementPreferences={"Email": [{"KeyName": "_email", "KeyValue": "a@b.c"}]})
expect(BadRequest, "ProfileIds", client.batch_get_profile, DomainName=DOMAIN, ProfileIds=[unknown] * 21)
expect(BadRequest, "Values", client.delete_profile_key, DomainName=DOMAIN, ProfileId=unknown, KeyName="loyalty", Values=[])
expect(BadRequest, "ObjectTypeName", client.delete_profile_object, DomainName=DOMAIN, ProfileId=unknown,
       ObjectTypeName="1abc", ProfileObjectUniqueKey="k")
expect(BadRequest, "ProfileIdsToBeMerged", client.merge_profiles, DomainName=DOMAIN, MainProfileId=unknown,
       ProfileIdsToBeMerged=[unknown])
expect(BadRequest, "FieldSourceProfileIds.FirstName", client.merge_profiles, DomainName=DOMAIN, MainProfileId=unknown,
       ProfileIdsToBeMerged=[bea], FieldSourceProfileIds={"FirstName": "f" * 32})

# 10. The same operations through the AWS CLI.
carl = cli("create-profile", "--domain-name", DOMAIN, "--first-name", "Carl", "--phone-number", "+1 (415) 555-" + digits,
           "--attributes", "tier=silver")["ProfileId"]
assert cli("update-profile", "--domain-name", DOMAIN, "--profile-id", carl, "--last-name", "Cruz",
           "--address", "City=Oakland") == {"ProfileId": carl}
batch = cli("batch-get-profile", "--domain-name", DOMAIN, "--profile-ids", carl, unknown)
assert [(p["ProfileId"], p["FirstName"], p["LastName"], p["Address"]["City"], p["Attributes"]) for p in batch["Profiles"]] == [
    (carl, "Carl", "Cruz", "Oakland", {"tier": "silver"})], batch
assert [e["Code"] for e in batch["Errors"]] == ["ResourceNotFoundException"], batch
cli("add-profile-key", "--domain-name", DOMAIN, "--profile-id", carl, "--key-name", "loyalty", "--values", "C-" + run)
assert "Message" in cli("delete-profile-key", "--domain-name", DOMAIN, "--profile-id", carl, "--key-name", "loyalty",
                        "--values", "C-" + run)
assert search("loyalty", "C-" + run) == []
carl_record = cli("put-profile-object", "--domain-name", DOMAIN, "--object-type-name", "CTR", "--object", json.dumps(
    {"contactId": "lc-d-" + run, "customerEndpoint": {"address": "+1 (415) 555-" + digits}}))["ProfileObjectUniqueKey"]
assert search("_ctrContactId", "lc-d-" + run) == [carl]
assert "Message" in cli("delete-profile-object", "--domain-name", DOMAIN, "--profile-id", carl, "--object-type-name", "CTR",
                        "--profile-object-unique-key", carl_record)
dan = cli("create-profile", "--domain-name", DOMAIN, "--first-name", "Dan", "--email-address", f"dan.{run}@example.com")["ProfileId"]
assert "Message" in cli("merge-profiles", "--domain-name", DOMAIN, "--main-profile-id", carl, "--profile-ids-to-be-merged", dan,
                        "--field-source-profile-ids", f"FirstName={dan}")
assert search("_email", f"dan.{run}@example.com") == [carl]
assert cli("batch-get-profile", "--domain-name", DOMAIN, "--profile-ids", carl)["Profiles"][0]["FirstName"] == "Dan"
assert "Message" in cli("delete-profile", "--domain-name", DOMAIN, "--profile-id", carl)
cli_fails("ResourceNotFoundException", "delete-profile", "--domain-name", DOMAIN, "--profile-id", carl)
cli_fails("BadRequestException", "create-profile", "--domain-name", DOMAIN, "--gender", "ROBOT")
print("profile lifecycle story: ok")
