package dev.pyapp.server.packaging.internal;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.pyapp.server.packaging.AppManifest;
import org.jspecify.annotations.Nullable;

/**
 * The parsed manifests of extracted releases, so that a web-server render, a process
 * context or a look at an app's statics does not parse the live release's
 * {@code metadata.yaml} again each time. An entry is keyed by the file's path and only
 * used while the file is the same one (inode, size, modification time): a {@code current}
 * link that moved to another release, or a rewritten file, is read again. At most
 * {@link #MAX_ENTRIES} manifests are kept, the least recently used go first.
 */
public final class ManifestCache {

	/** The most manifests kept. */
	static final int MAX_ENTRIES = 1024;

	private final Map<Path, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Path, Entry> eldest) {
			return size() > MAX_ENTRIES;
		}

	};

	/**
	 * The manifest read from this file, if it has not changed since.
	 * @param file the {@code metadata.yaml}
	 * @param attributes its attributes now
	 * @return the manifest, or {@code null} if it must be read
	 */
	public synchronized @Nullable AppManifest get(Path file, BasicFileAttributes attributes) {
		Entry entry = this.entries.get(file);
		return (entry != null && entry.matches(attributes)) ? entry.manifest() : null;
	}

	/**
	 * Remembers the manifest read from a file.
	 * @param file the {@code metadata.yaml}
	 * @param attributes its attributes before it was read
	 * @param manifest what it holds
	 */
	public synchronized void put(Path file, BasicFileAttributes attributes, AppManifest manifest) {
		this.entries.put(file,
				new Entry(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(), manifest));
	}

	synchronized int size() {
		return this.entries.size();
	}

	private record Entry(@Nullable Object fileKey, FileTime modified, long size, AppManifest manifest) {

		boolean matches(BasicFileAttributes attributes) {
			return Objects.equals(this.fileKey, attributes.fileKey())
					&& this.modified.equals(attributes.lastModifiedTime()) && this.size == attributes.size();
		}

	}

}
