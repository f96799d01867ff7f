"""The AddProfileKey / SearchProfiles / ListProfileObjects story through boto3, against the local API.

Usage: python3 profile_key_story.py http://127.0.0.1:3000
"""
import json
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
phone = "+1 (312) 555-" + str(1000 + int(run, 16) % 9000)
other_phone = "+1 (773) 555-" + str(1000 + int(run[::-1], 16) % 9000)
contact_x = "contact-x-" + run

# 1. A contact record with a new phone creates an inferred profile.
first_record = json.dumps({"contactId": "contact-a-" + run, "customerEndpoint": {"address": phone}})
client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR", Object=first_record)

# 2. SearchProfiles by _phone finds exactly it (any formatting of the number).
found = client.search_profiles(DomainName=DOMAIN, KeyName="_phone", Values=[phone.replace(" ", "").replace("(", "").replace(")", "")])
assert len(found["Items"]) == 1, found["Items"]
profile = found["Items"][0]
profile_id = profile["ProfileId"]
assert len(profile_id) == 32, profile_id
assert profile["PhoneNumber"] == phone, profile
assert profile["FoundByItems"][0]["KeyName"] == "_phone", profile

# 3. AddProfileKey pins contact X to that profile.
added = client.add_profile_key(DomainName=DOMAIN, ProfileId=profile_id, KeyName="_ctrContactId", Values=[contact_x])
assert (added["KeyName"], added["Values"]) == ("_ctrContactId", [contact_x]), added
again = client.add_profile_key(DomainName=DOMAIN, ProfileId=profile_id, KeyName="_ctrContactId", Values=[contact_x])
assert again["Values"] == [contact_x], "re-adding is an idempotent 200"

# 4. The record of contact X, from another phone, attaches to it.
second_record = json.dumps({"contactId": contact_x, "customerEndpoint": {"address": other_phone}})
client.put_profile_object(DomainName=DOMAIN, ObjectTypeName="CTR", Object=second_record)

# 5. ListProfileObjects shows both records, exactly as they were put.
listed = client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=profile_id)
assert sorted(i["Object"] for i in listed["Items"]) == sorted([first_record, second_record]), listed["Items"]
assert all(i["ObjectTypeName"] == "CTR" and i["ProfileObjectUniqueKey"] for i in listed["Items"])
page = client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=profile_id, MaxResults=1)
assert len(page["Items"]) == 1 and page["NextToken"], page
rest = client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=profile_id, MaxResults=1,
                                   NextToken=page["NextToken"])
assert len(rest["Items"]) == 1 and rest["Items"][0] != page["Items"][0], rest
filtered = client.list_profile_objects(DomainName=DOMAIN, ObjectTypeName="CTR", ProfileId=profile_id,
                                       ObjectFilter={"KeyName": "_ctrContactId", "Values": [contact_x]})
assert [i["Object"] for i in filtered["Items"]] == [second_record], filtered

# 6. SearchProfiles by _ctrContactId = X returns that profile.
by_contact = client.search_profiles(DomainName=DOMAIN, KeyName="_ctrContactId", Values=[contact_x])
assert [p["ProfileId"] for p in by_contact["Items"]] == [profile_id], by_contact
both = client.search_profiles(DomainName=DOMAIN, KeyName="_ctrContactId", Values=[contact_x], LogicalOperator="AND",
                              AdditionalSearchKeys=[{"KeyName": "_phone", "Values": [other_phone]}])
assert [p["ProfileId"] for p in both["Items"]] == [profile_id], both


def expect(exception, field, call, **kwargs):
    try:
        call(**kwargs)
    except exception as e:
        message = e.response["Error"]["Message"]
        assert field in message, (field, message)
        return
    raise AssertionError(f"expected {exception.__name__} for {kwargs}")


expect(errors.BadRequestException, "ProfileId", client.add_profile_key, DomainName=DOMAIN, ProfileId="not-a-profile-id",
       KeyName="_ctrContactId", Values=["v"])
expect(errors.BadRequestException, "Values", client.add_profile_key, DomainName=DOMAIN, ProfileId=profile_id,
       KeyName="_ctrContactId", Values=[])
expect(errors.BadRequestException, "Values", client.add_profile_key, DomainName=DOMAIN, ProfileId=profile_id,
       KeyName="_ctrContactId", Values=["v" * 256])
expect(errors.BadRequestException, "KeyName", client.add_profile_key, DomainName=DOMAIN, ProfileId=profile_id,
       KeyName="bad key", Values=["v"])
expect(errors.ResourceNotFoundException, "Profile", client.add_profile_key, DomainName=DOMAIN, ProfileId="0" * 32,
       KeyName="_ctrContactId", Values=["v"])
expect(errors.ResourceNotFoundException, "Domain", client.add_profile_key, DomainName="NoSuchDomain", ProfileId=profile_id,
       KeyName="_ctrContactId", Values=["v"])
expect(errors.BadRequestException, "next-token", client.search_profiles, DomainName=DOMAIN, KeyName="_phone",
       Values=[phone], NextToken="forged")
expect(errors.BadRequestException, "next-token", client.list_profile_objects, DomainName=DOMAIN, ObjectTypeName="CTR",
       ProfileId=profile_id, NextToken="eyJmb3JnZWQiOiB0cnVlfQ")
expect(errors.BadRequestException, "max-results", client.search_profiles, DomainName=DOMAIN, KeyName="_phone",
       Values=[phone], MaxResults=101)
expect(errors.BadRequestException, "LogicalOperator", client.search_profiles, DomainName=DOMAIN, KeyName="_phone",
       Values=[phone], AdditionalSearchKeys=[{"KeyName": "_email", "Values": ["a@b.c"]}], LogicalOperator="XOR")
expect(errors.BadRequestException, "ProfileId", client.list_profile_objects, DomainName=DOMAIN, ObjectTypeName="CTR",
       ProfileId="xyz")
expect(errors.ResourceNotFoundException, "NoSuchType", client.list_profile_objects, DomainName=DOMAIN,
       ObjectTypeName="NoSuchType", ProfileId=profile_id)
print("profile key story: ok")
