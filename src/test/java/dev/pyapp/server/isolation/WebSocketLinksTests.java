package dev.pyapp.server.isolation;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The web server reaches an app's daemon only through a hard link in the app's
 * {@code web/} (the server's), never through the app's own {@code run/}: an app that puts
 * a link to another app's socket where its daemon's socket was gets nothing given to the
 * web server. Real unix sockets; giving files to another user needs root (CI is root).
 */
@EnabledIf("root")
class WebSocketLinksTests {

	private static final AppId APP = AppId.of("guestbook");

	private static final Isolation.Account USER = new Isolation.Account("pyapp-guestbook", 65534, 65534,
			Path.of("/home"));

	/** Another app's user. */
	private static final int OTHER = 65533;

	private static final int WEB = 33;

	@TempDir
	Path dir;

	private final List<ServerSocketChannel> listeners = new ArrayList<>();

	private AppPaths paths;

	private AppLayout layout;

	static boolean root() {
		return "root".equals(System.getProperty("user.name"));
	}

	@BeforeEach
	void setUp() throws IOException {
		PyappHome home = new PyappHome(this.dir.resolve("home"));
		HostIsolation host = mock(HostIsolation.class);
		given(host.serverAccount()).willReturn(new Isolation.Account("root", 0, 0, Path.of("/root")));
		given(host.root()).willReturn(true);
		given(host.webUser()).willReturn(Optional.of(new Isolation.Account("www-data", 33, WEB, Path.of("/var/www"))));
		this.layout = new AppLayout(home, host);
		this.paths = home.app(APP);
		Files.createDirectories(this.paths.run());
	}

	@AfterEach
	void close() throws IOException {
		for (ServerSocketChannel listener : this.listeners) {
			listener.close();
		}
	}

	@Test
	void theDaemonsSocketIsGivenToTheWebServerAsAHardLinkInWeb() throws IOException {
		Path socket = listen(this.paths.run().resolve("r-a.sock"), USER.uid());

		Path link = this.layout.webSocket(socket, this.paths.web(), identity(), USER.uid());

		assertThat(link).isEqualTo(this.paths.web().resolve("r-a.sock"));
		assertThat(key(link)).isEqualTo(key(socket));
		assertThat(Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(WEB);
		assertThat(FileModes.owner(this.paths.web())).isZero();
		assertThat(Files.getAttribute(this.paths.web(), "unix:gid")).isEqualTo(WEB);
		assertThat(FileModes.mode(this.paths.web()) & 0777).isEqualTo(0750);
		// the link reaches the daemon, also once its path in run/ is gone
		Files.delete(socket);
		try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			assertThat(client.connect(UnixDomainSocketAddress.of(link))).isTrue();
		}
		assertThat(this.paths.web()).isDirectoryNotContaining("glob:**/.*");
	}

	@Test
	void aSymlinkTheAppPutInPlaceOfItsSocketIsNotGivenAndReplacesNothing() throws IOException {
		Path socket = listen(this.paths.run().resolve("r-a.sock"), USER.uid());
		Path link = this.layout.webSocket(socket, this.paths.web(), identity(), USER.uid());
		Object daemons = key(link);
		// the app replaces its socket with a link to another app's
		Path other = listen(this.dir.resolve("other.sock"), OTHER);
		Files.delete(socket);
		Files.createSymbolicLink(socket, other);

		assertThatIllegalStateException()
			.isThrownBy(() -> this.layout.webSocket(socket, this.paths.web(), identity(), USER.uid()))
			.withMessageContaining("is not a socket of the app's user pyapp-guestbook (a symlink)");

		assertThat(key(link)).isEqualTo(daemons);
		assertThat(this.paths.web()).isDirectoryNotContaining("glob:**/.*");
	}

	@Test
	void aSocketOfAnotherUserIsNotGiven() throws IOException {
		Path socket = listen(this.paths.run().resolve("r-b.sock"), OTHER);

		assertThatIllegalStateException()
			.isThrownBy(() -> this.layout.webSocket(socket, this.paths.web(), identity(), USER.uid()))
			.withMessageContaining("(a socket of uid " + OTHER + ")");

		assertThat(this.paths.web().resolve("r-b.sock")).doesNotExist();
	}

	@Test
	void aSocketOfTheServersUserIsGivenOnlyWhenAskedForOne() throws IOException {
		// the daemon of a server before app users, which ran it as its own user (root)
		Path socket = listen(this.paths.run().resolve("r-d.sock"), 0);

		assertThatIllegalStateException()
			.isThrownBy(() -> this.layout.webSocket(socket, this.paths.web(), identity(), USER.uid()))
			.withMessageContaining("(a socket of uid 0)");
		Path link = this.layout.webSocket(socket, this.paths.web(), identity(), 0);

		assertThat(key(link)).isEqualTo(key(socket));
		assertThat(Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(WEB);
	}

	@Test
	void aFileThatIsNotASocketIsNotGiven() throws IOException {
		Path file = Files.writeString(this.paths.run().resolve("r-c.sock"), "not a socket");
		FileModes.chown(file, USER.uid(), USER.gid());

		assertThatIllegalStateException()
			.isThrownBy(() -> this.layout.webSocket(file, this.paths.web(), identity(), USER.uid()))
			.withMessageContaining("(not a socket)");
	}

	private Path listen(Path path, int uid) throws IOException {
		ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.listeners.add(listener);
		listener.bind(UnixDomainSocketAddress.of(path));
		FileModes.chown(path, uid, uid);
		return path;
	}

	private static Object key(Path path) throws IOException {
		return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
	}

	private static AppIdentity identity() {
		return new AppIdentity(USER, true, null);
	}

}
