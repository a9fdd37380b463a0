package dev.pyapp.server.mount.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/**
 * A unified diff of two configuration texts (JGit's histogram diff, three lines of
 * context), as {@code diff -u} prints it.
 */
final class ConfigDiff {

	private ConfigDiff() {
	}

	/**
	 * The diff, or an empty string when the texts are equal.
	 * @param before the live text
	 * @param after the staged text
	 * @param beforeName the name on the {@code ---} line
	 * @param afterName the name on the {@code +++} line
	 * @return the unified diff
	 */
	static String unified(String before, String after, String beforeName, String afterName) {
		if (before.equals(after)) {
			return "";
		}
		RawText a = new RawText(before.getBytes(StandardCharsets.UTF_8));
		RawText b = new RawText(after.getBytes(StandardCharsets.UTF_8));
		EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
			.diff(RawTextComparator.DEFAULT, a, b);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (DiffFormatter formatter = new DiffFormatter(out)) {
			formatter.setContext(3);
			formatter.format(edits, a, b);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return "--- " + beforeName + "\n+++ " + afterName + "\n" + out.toString(StandardCharsets.UTF_8);
	}

}
