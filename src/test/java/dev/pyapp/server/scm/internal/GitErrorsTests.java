package dev.pyapp.server.scm.internal;

import java.net.UnknownHostException;

import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GitErrorsTests {

	@Test
	void aMissingRepositoryIsNamedOnceInWords() {
		assertThat(GitErrors.unreachable("file:///tmp/none.git", new InvalidRemoteException("Invalid remote: origin")))
			.isEqualTo("no git repository was found at file:///tmp/none.git: check the URL");
	}

	@Test
	void anUnknownHostSaysTheRepositoryCannotBeReached() {
		TransportException ex = new TransportException("https://git.invalid/x.git: cannot open git-upload-pack",
				new UnknownHostException("git.invalid"));
		assertThat(GitErrors.unreachable("https://git.invalid/x.git", ex))
			.isEqualTo("the repository at https://git.invalid/x.git cannot be reached (unknown host git.invalid)");
	}

	@Test
	void aRefusalSaysItNeedsAToken() {
		assertThat(GitErrors.unreachable("https://h/x.git", new TransportException("https://h/x.git: not authorized")))
			.isEqualTo("the repository at https://h/x.git refused access: it needs a token");
	}

}
