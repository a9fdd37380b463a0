package dev.pyapp.server.scm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A real bare repository ({@code origin.git}, served by {@code file://}) and a working
 * clone that commits, branches, tags and pushes to it, all with JGit.
 */
public final class GitFixture implements AutoCloseable {

	private static final PersonIdent AUTHOR = new PersonIdent("Test", "test@example.com");

	private final Path bare;

	private final Git work;

	public GitFixture(Path dir) {
		try {
			this.bare = dir.resolve("origin.git");
			Git.init().setBare(true).setInitialBranch("main").setDirectory(this.bare.toFile()).call().close();
			this.work = Git.cloneRepository().setURI(url()).setDirectory(dir.resolve("work").toFile()).call();
			this.work.checkout().setOrphan(true).setName("main").call();
		}
		catch (GitAPIException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public String url() {
		return this.bare.toUri().toString();
	}

	public Path bare() {
		return this.bare;
	}

	/** The files of a minimal app with the archive layout. */
	public static Map<String, String> app(String name, String version) {
		Map<String, String> files = new LinkedHashMap<>();
		files.put("metadata.yaml",
				"format: 1\nname: " + name + "\nversion: " + version + "\nentry:\n  wsgi: hello:application\n");
		files.put("src/hello.py",
				"def application(environ, start_response):\n"
						+ "    start_response('200 OK', [('Content-Type', 'text/plain')])\n" + "    return [b'" + name
						+ " " + version + "']\n");
		return files;
	}

	/** Commits files on the current branch (and pushes it). */
	public String commit(Map<String, String> files, String message) {
		try {
			Path root = this.work.getRepository().getWorkTree().toPath();
			for (Map.Entry<String, String> file : files.entrySet()) {
				Path path = root.resolve(file.getKey());
				Files.createDirectories(path.getParent());
				Files.writeString(path, file.getValue());
			}
			this.work.add().addFilepattern(".").call();
			RevCommit commit = this.work.commit()
				.setMessage(message)
				.setAuthor(AUTHOR)
				.setCommitter(AUTHOR)
				.setAllowEmpty(true)
				.call();
			push();
			return commit.getName();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GitAPIException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Creates a branch at the current commit and switches to it. */
	public GitFixture branch(String name) {
		try {
			this.work.checkout().setCreateBranch(true).setName(name).call();
			return this;
		}
		catch (GitAPIException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public GitFixture checkout(String name) {
		try {
			this.work.checkout().setName(name).call();
			return this;
		}
		catch (GitAPIException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Tags the current commit (annotated when a message is given) and pushes the tag. */
	public GitFixture tag(String name, boolean annotated) {
		try {
			if (annotated) {
				this.work.tag().setName(name).setAnnotated(true).setMessage(name).setTagger(AUTHOR).call();
			}
			else {
				// JGit's TagCommand refuses a lightweight tag with a tagger, which
				// it sets itself from the configuration
				RefUpdate update = this.work.getRepository().updateRef("refs/tags/" + name);
				update.setNewObjectId(this.work.getRepository().resolve("HEAD"));
				update.forceUpdate();
			}
			push();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GitAPIException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Makes another branch the bare repository's default (its HEAD). */
	public void setDefaultBranch(String name) {
		try (Repository repository = Git.open(this.bare.toFile()).getRepository()) {
			RefUpdate update = repository.updateRef("HEAD");
			update.link("refs/heads/" + name);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void push() throws GitAPIException {
		this.work.push()
			.setRemote("origin")
			.setForce(true)
			.setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
			.call();
	}

	@Override
	public void close() {
		this.work.close();
	}

}
