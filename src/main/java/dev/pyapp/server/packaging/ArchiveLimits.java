package dev.pyapp.server.packaging;

/**
 * The limits of SPEC §9 that every source of an app's files obeys, archives and git
 * revisions alike ({@code pyapp.packaging.*}).
 *
 * @param maxEntries the most entries (files and directories)
 * @param maxUncompressedSize the most bytes of content, counted as they are written
 */
public record ArchiveLimits(int maxEntries, long maxUncompressedSize) {

	/** The defaults: 50,000 entries, 2 GiB. */
	public static final ArchiveLimits DEFAULTS = new ArchiveLimits(50_000, 2L * 1024 * 1024 * 1024);

}
