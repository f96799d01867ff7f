package org.openprofiles.store.kernel;

import static org.openprofiles.store.table.DynamoCalls.itemKey;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openprofiles.model.Deadline;
import org.openprofiles.store.ProfileStore.ProfileWithObjects;
import org.openprofiles.store.ProfileStore.TimedObject;
import org.openprofiles.store.config.ConfigRead;
import org.openprofiles.store.table.DynamoCalls;
import org.openprofiles.store.table.ObjectItem;
import org.openprofiles.store.table.ProfileItem;
import org.openprofiles.store.table.ProfilesTable;
import org.openprofiles.store.table.StoreKeys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A profile's objects of some types, strongly consistent, for calculated attributes: the read-your-writes counterpart of
 * ListProfileObjects (which pages the eventually consistent index, like AWS). First one BatchGetItem of the profile item,
 * its {@link ProfileShards#COUNT} shards (whose membership lists every object put on the profile, attaches and merges
 * alike) and the domain's configuration item; then the listed objects of the wanted types, 100 per BatchGetItem. An
 * object counts when its own item still names the profile and is not past its expiry: membership may still list an object
 * deleted or moved since, never miss one on the profile. A profile with 100 objects of a type costs 2 calls.
 */
public final class ProfileObjectsRead {
    private final DynamoCalls calls;
    private final Clock clock;

    public ProfileObjectsRead(DynamoCalls calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    public Optional<ProfileWithObjects> read(String domain, String profileId, Collection<String> objectTypeNames, ConfigRead config,
                                             Deadline deadline) {
        String profilePk = StoreKeys.profile(domain, profileId);
        List<Map<String, AttributeValue>> wanted = new ArrayList<>(ProfileShards.itemKeys(domain, profileId));
        wanted.add(itemKey(profilePk));
        if (config != null) wanted.add(config.startRead());
        Map<String, AttributeValue> profile = null;
        List<Map<String, AttributeValue>> shardItems = new ArrayList<>();
        for (Map<String, AttributeValue> item : calls.batchGet(wanted, deadline)) {
            String pk = item.get(ProfilesTable.PARTITION_KEY).s();
            if (config != null && config.matches(pk)) {
                config.found(item);
            } else if (pk.equals(profilePk)) {
                profile = item;
            } else {
                shardItems.add(item);
            }
        }
        // Once a DeleteProfile or MergeProfiles recorded itself on the profile (or closed its shards), the profile is gone for readers.
        if (profile == null || ProfileItem.readableFields(profile) == null) return Optional.empty();
        Shards shards = ProfileShards.parse(domain, profileId, shardItems);
        if (shards.closedBy() != null) return Optional.empty();
        List<Map<String, AttributeValue>> objectKeys = new ArrayList<>();
        for (Shards.Member member : shards.members().values()) {
            if (objectTypeNames.contains(member.objectTypeName())) objectKeys.add(itemKey(member.pk(domain)));
        }
        long now = clock.instant().getEpochSecond();
        List<TimedObject> objects = new ArrayList<>();
        for (Map<String, AttributeValue> item : calls.batchGet(objectKeys, deadline)) {
            ObjectItem object = ObjectItem.SCHEMA.mapToItem(item);
            if (!profileId.equals(object.profileId()) || object.expiredAt(now)) continue;
            // The sort key has the write's millisecond (two records of one second keep their order); objects of earlier versions
            // have only updatedAt's second.
            Long writtenAt = object.gsi1sk() == null ? null : StoreKeys.writtenAtMillis(object.gsi1sk());
            objects.add(new TimedObject(object.objectTypeName(), object.uniqueKey(), object.object(),
                    writtenAt != null ? writtenAt : object.updatedAt() * 1000));
        }
        AttributeValue createdAt = profile.get("createdAt");
        return Optional.of(new ProfileWithObjects(profileId, createdAt == null ? 0 : Long.parseLong(createdAt.n()), objects));
    }
}
