package dev.pyapp.server.scm.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.packaging.ArchiveLimits;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes the tree of one commit into an empty directory, like {@code git archive}: files
 * and executable bits only. A symbolic link is refused, as in an archive (SPEC §1), and
 * every path is checked to stay inside the directory. The archive limits (SPEC §9) hold
 * while it writes: the export stops at the first entry past the entry count or past the
 * total size (a blob's size is known before it is inflated).
 */
public final class TreeExporter {

	private TreeExporter() {
	}

	public static void export(Repository repository, ObjectId commit, Path target, ArchiveLimits limits)
			throws IOException {
		Path root = target.toAbsolutePath().normalize();
		List<Problem> problems = new ArrayList<>();
		int entries = 0;
		long total = 0;
		try (RevWalk walk = new RevWalk(repository); ObjectReader reader = repository.newObjectReader()) {
			RevCommit revision = walk.parseCommit(commit);
			try (TreeWalk tree = new TreeWalk(repository, reader)) {
				tree.addTree(revision.getTree());
				tree.setRecursive(true);
				while (tree.next()) {
					String name = tree.getPathString();
					FileMode mode = tree.getFileMode(0);
					if (++entries > limits.maxEntries()) {
						throw tooLarge(commit, new Problem("archive", "the revision has more than "
								+ limits.maxEntries() + " files; the limit is pyapp.packaging.max-entries"));
					}
					Path file = root.resolve(name).normalize();
					if (!file.startsWith(root) || file.equals(root)) {
						problems.add(new Problem(name, "the path leaves the repository root"));
					}
					else if (FileMode.SYMLINK.equals(mode)) {
						problems.add(new Problem(name, "symbolic links are not allowed in an app source"));
					}
					else if (FileMode.REGULAR_FILE.equals(mode) || FileMode.EXECUTABLE_FILE.equals(mode)) {
						ObjectLoader blob = reader.open(tree.getObjectId(0));
						if (total + blob.getSize() > limits.maxUncompressedSize()) {
							throw tooLarge(commit, new Problem(name,
									blob.getSize() + " bytes; with the files before it the revision is larger than "
											+ limits.maxUncompressedSize()
											+ " bytes, the limit of pyapp.packaging.max-uncompressed-size"));
						}
						total += blob.getSize();
						Files.createDirectories(file.getParent());
						try (OutputStream out = Files.newOutputStream(file)) {
							blob.copyTo(out);
						}
						if (FileMode.EXECUTABLE_FILE.equals(mode)) {
							Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
						}
					}
					// a gitlink (submodule) has no content here; it is left out, as git
					// archive does
				}
			}
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("the commit " + commit.name() + " cannot be used as an app source", problems);
		}
	}

	private static PyappException tooLarge(ObjectId commit, Problem problem) {
		return PyappException.invalid("the commit " + commit.name() + " is over the archive limits", List.of(problem));
	}

}
