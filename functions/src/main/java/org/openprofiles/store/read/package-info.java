/**
 * The read path (SearchProfiles, profiles by id, ListProfileObjects):
 * {@link org.openprofiles.store.read.ProfileQueries}, with the results it returns as nested records,
 * and its pagination tokens. Reads only: no write decides on what is read here.
 */
package org.openprofiles.store.read;
