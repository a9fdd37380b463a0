package dev.pyapp.server.rpc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

import org.springframework.stereotype.Component;

/**
 * The JSON text of {@code apps.list}, kept from one call to the next. Writing 500 entries
 * with Jackson cost more than computing them, and nearly all of them are the same from
 * one call to the next. So the text of the entries last written is kept with the entries
 * themselves (records, compared by value): a call whose entries all equal the last call's
 * writes the kept text as it is; otherwise each entry equal to the one of the same app
 * last written reuses its text and only the others are written again.
 * <p>
 * The key is the whole value of an entry, not a version that writers bump: whatever
 * changes what an entry shows (a state, a health report, an error, a mount, a URL)
 * changes the entry and so is written again, without any write path having to say so. The
 * text is what this mapper writes for the same list (the one the response is written
 * with); {@code ListingTextTests} compares them.
 */
@Component
class ListingText {

	private final JsonMapper mapper;

	private volatile @Nullable Kept kept;

	ListingText(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * The JSON text of a listing.
	 * @param entries {@code apps.list}'s entries
	 * @return their JSON array, to be written as it is
	 */
	RawValue json(List<? extends AppSummary> entries) {
		Kept last = this.kept;
		if (last != null && last.entries().equals(entries)) {
			return last.json();
		}
		Map<String, Entry> known = (last != null) ? last.byName() : Map.of();
		Map<String, Entry> byName = new HashMap<>();
		StringBuilder text = new StringBuilder((last != null) ? last.length() + 1024 : 64 * 1024);
		text.append('[');
		for (AppSummary entry : entries) {
			Entry previous = known.get(entry.name());
			Entry written = (previous != null && previous.value().equals(entry)) ? previous
					: new Entry(entry, this.mapper.writeValueAsString(entry));
			if (text.length() > 1) {
				text.append(',');
			}
			text.append(written.json());
			byName.put(entry.name(), written);
		}
		text.append(']');
		RawValue json = new RawValue(new SerializedString(text.toString()));
		this.kept = new Kept(List.copyOf(entries), json, text.length(), byName);
		return json;
	}

	private record Entry(AppSummary value, String json) {
	}

	private record Kept(List<AppSummary> entries, RawValue json, int length, Map<String, Entry> byName) {
	}

}
