"""Event streams through the official clients against the local API (issue 17): the AWS CLI creates an event stream
and ingests a contact record, boto3 reads, lists and deletes the event stream and its typed errors, and boto3's Kinesis
client reads the events back from the local Kinesis.

Usage: python3 event_stream_story.py http://127.0.0.1:3000 <Kinesis endpoint> <stream ARN>
Exits non-zero, with the failed assertion, when a response or exception class differs from AWS's.
"""
import json
import os
import subprocess
import sys
import time

import boto3
from botocore.config import Config

endpoint, kinesis_endpoint, stream_arn = sys.argv[1], sys.argv[2], sys.argv[3]
credentials = dict(region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")
client = boto3.client("customer-profiles", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}), **credentials)
kinesis = boto3.client("kinesis", endpoint_url=kinesis_endpoint, **credentials)
errors = client.exceptions
DOMAIN = "EventStreamStory"
env = dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1")


def cli(*args):
    out = subprocess.run(["aws", "customer-profiles", *args, "--endpoint-url", endpoint, "--output", "json"],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else {}


def refused(exception, words, call, **kwargs):
    try:
        call(**kwargs)
    except exception as e:
        message = e.response["Error"]["Message"]
        assert words in message, (words, message)
        return
    raise AssertionError(f"expected {exception.__name__} from {call.__name__} {kwargs}")


client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30)
client.put_profile_object_type(DomainName=DOMAIN, ObjectTypeName="CTR", Description="contact records", TemplateId="CTR")

# The CLI, as the README's "done when" says: create-event-stream, then ingestion.
created = cli("create-event-stream", "--domain-name", DOMAIN, "--event-stream-name", "crm", "--uri", stream_arn,
              "--tags", "team=crm")
assert created["EventStreamArn"].endswith(f":domains/{DOMAIN}/event-streams/crm"), created
assert created["Tags"] == {"team": "crm"}, created
key = cli("put-profile-object", "--domain-name", DOMAIN, "--object-type-name", "CTR",
          "--object", json.dumps({"contactId": "story-1", "customerEndpoint": {"address": "+1 206 555 0190"}}))["ProfileObjectUniqueKey"]

# boto3: Get, List, the typed errors.
got = client.get_event_stream(DomainName=DOMAIN, EventStreamName="crm")
assert got["DomainName"] == DOMAIN and got["State"] == "RUNNING", got
assert got["DestinationDetails"] == {"Uri": stream_arn, "Status": "HEALTHY"}, got
assert got["CreatedAt"].timestamp() > time.time() - 600, got["CreatedAt"]
items = client.list_event_streams(DomainName=DOMAIN)["Items"]
assert [i["EventStreamName"] for i in items] == ["crm"], items
assert items[0]["DestinationSummary"] == {"Uri": stream_arn, "Status": "HEALTHY"}, items
refused(errors.BadRequestException, "at most one", client.create_event_stream, DomainName=DOMAIN, EventStreamName="lake", Uri=stream_arn)
refused(errors.BadRequestException, "Uri must be the ARN of a Kinesis data stream", client.create_event_stream,
        DomainName=DOMAIN, EventStreamName="lake", Uri="not-an-arn")
refused(errors.ResourceNotFoundException, "does not exist", client.get_event_stream, DomainName=DOMAIN, EventStreamName="lake")
refused(errors.ResourceNotFoundException, "does not exist", client.list_event_streams, DomainName="NoSuchDomain")

# The events, read back with boto3's Kinesis client: the profile's CREATED and the record's CREATED.
events = []
iterators = [kinesis.get_shard_iterator(StreamName=stream_arn.split("/")[-1], ShardId=s["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
             for s in kinesis.list_shards(StreamName=stream_arn.split("/")[-1])["Shards"]]
deadline = time.time() + 20
while len(events) < 2:
    assert time.time() < deadline, events
    for i, iterator in enumerate(iterators):
        answer = kinesis.get_records(ShardIterator=iterator)
        iterators[i] = answer["NextShardIterator"]
        events += [json.loads(r["Data"]) for r in answer["Records"]]
by_type = {e["ObjectTypeName"]: e for e in events}
record, profile = by_type["CTR"], by_type["_profile"]
for event in (record, profile):
    assert event["SchemaVersion"] == 0 and event["DomainName"] == DOMAIN and event["EventType"] == "CREATED", event
    assert event["IsMessageRealTime"] is True and event["EventTimestamp"].endswith("Z"), event
    assert event["AssociatedProfileId"] == profile["Object"]["ProfileId"], event
assert record["ProfileObjectUniqueKey"] == key, record
assert record["Object"] == {"contactId": "story-1", "customerEndpoint": {"address": "+1 206 555 0190"}}, record
assert profile["Object"]["PhoneNumber"] == "+1 206 555 0190", profile

assert client.delete_event_stream(DomainName=DOMAIN, EventStreamName="crm")["ResponseMetadata"]["HTTPStatusCode"] == 200
assert client.list_event_streams(DomainName=DOMAIN)["Items"] == []
print("event stream story: ok")
