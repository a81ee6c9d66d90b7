package io.softcifar.storage;

import java.time.Instant;

/**
 * What the store knows about one object.
 *
 * @param key          the object's key in the bucket
 * @param size         its length in bytes
 * @param etag         the entity tag without quotes: the MD5 of the content for a single-part upload, or
 *                     {@code md5-of-part-md5s-PARTS} for a multipart one, so it identifies content but is no checksum
 *                     to compare with a local file
 * @param lastModified when it was last written
 */
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {}
