import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the Glue table's RegexSerDe input.regex against S3 server access log
 * records, the way Athena's org.apache.hadoop.hive.serde2.RegexSerDe reads them:
 * the pattern is compiled with DOTALL, a row must match the WHOLE line
 * (Matcher.matches), capture group N fills column N, a group that did not
 * participate gives NULL, and a numeric column whose text is not a number gives
 * NULL.
 *
 * Run by athena_regex_test.sh:
 *   java AthenaRegexTest.java REGEX_FILE COLUMNS_JSON SAMPLES_LOG
 *
 * Prints each failed check, then one summary line, and exits 1 on any failure.
 *
 * Rows mode (used by tests/athena/saved_queries.py):
 *   java AthenaRegexTest.java --rows REGEX_FILE COLUMNS_JSON < object.log
 *
 * Splits stdin into lines the way Trino's TextLineReader does (terminators
 * \n, \r and \r\n; a leading UTF-8 BOM skipped; no record after a final
 * terminator) and writes, per line, one JSON object {"column": value, ...} in
 * column order with the values deserialize() gives: strings, int/bigint as
 * numbers, null. A line that does not match gives a row of all nulls: Hive's
 * RegexSerDe.deserialize returns a null row ("If do not match, ignore the line,
 * return a row with all nulls"), which Hive reads as all-NULL columns, and
 * Trino's RegexDeserializer (what Athena engine v3 runs; "bug for bug
 * compatible with Hive RegexSerde") appends a NULL to every column. The row is
 * not skipped, so such a line still counts in count(*).
 */
public class AthenaRegexTest {
    private static final List<String> failures = new ArrayList<>();
    private static int passed = 0;

    record Column(String name, String type) {}

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--rows")) {
            rows(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        if (args.length != 3) {
            System.out.println("FAIL: usage: java AthenaRegexTest.java REGEX_FILE COLUMNS_JSON SAMPLES_LOG"
                    + " | --rows REGEX_FILE COLUMNS_JSON <LOG");
            System.exit(2);
        }
        // Terraform reads the file with trimspace(file(...)); strip() is the same here.
        String regex = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8).strip();
        List<Column> columns = readColumns(Path.of(args[1]));
        List<String> samples = readRecords(Path.of(args[2]));
        Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);

        check(regex.indexOf('\n') < 0, "regex is a single line");
        check(pattern.matcher("").groupCount() == columns.size(),
                "capture groups (" + pattern.matcher("").groupCount() + ") == table columns (" + columns.size() + ")");
        for (Column c : columns) {
            check(c.type().equals("string") || c.type().equals("int") || c.type().equals("bigint"),
                    "column " + c.name() + " has a type this test can emulate (" + c.type() + ")");
        }

        List<Map<String, Object>> expected = expectations();
        check(samples.size() == expected.size(),
                "fixture has " + expected.size() + " records (found " + samples.size() + ")");

        for (int i = 0; i < Math.min(samples.size(), expected.size()); i++) {
            String label = "record " + (i + 1);
            Map<String, Object> row = deserialize(pattern, columns, samples.get(i));
            if (!check(row != null, label + " matches")) {
                continue;
            }
            for (Map.Entry<String, Object> e : expected.get(i).entrySet()) {
                check(row.containsKey(e.getKey()), label + ": column " + e.getKey() + " exists");
                Object actual = row.get(e.getKey());
                check(Objects.equals(actual, e.getValue()),
                        label + ": " + e.getKey() + " = " + show(e.getValue()) + " (got " + show(actual) + ")");
            }

            // AWS: "we might add new fields to the end of log records" -- a record with
            // fields we do not know yet must still parse, and parse the same.
            if (row.get("source_region") != null) {
                for (String suffix : List.of(" NewField", " new-field-1 \"a quoted new field\" 42", " ")) {
                    Map<String, Object> longer = deserialize(pattern, columns, samples.get(i) + suffix);
                    check(row.equals(longer),
                            label + " with appended \"" + suffix + "\" parses to the same columns (got "
                                    + (longer == null ? "no match" : longer) + ")");
                }
            }
        }

        String good = samples.isEmpty() ? "" : samples.get(0);
        List<String> garbage = List.of(
                "",
                "this is not an S3 server access log record",
                "{\"eventVersion\":\"1.08\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\"}",
                // Truncated after the request id.
                good.substring(0, Math.max(0, good.indexOf(" REST."))),
                // Timestamp not in brackets.
                good.replace("[06/Feb/2019:00:00:38 +0000]", "06/Feb/2019:00:00:38"),
                // Non-numeric HTTP status.
                good.replace("HTTP/1.1\" 200 ", "HTTP/1.1\" OK "),
                // Request-URI neither quoted nor '-'.
                good.replace("\"GET /amzn-s3-demo-bucket1?versioning HTTP/1.1\"", "GET"));
        for (int i = 0; i < garbage.size(); i++) {
            check(!pattern.matcher(garbage.get(i)).matches(), "garbage line " + (i + 1) + " does not match");
        }

        for (String f : failures) {
            System.out.println("  failed: " + f);
        }
        String summary = passed + " passed, " + failures.size() + " failed";
        System.out.println(failures.isEmpty() ? "PASS: " + summary : "FAIL: " + summary);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /** Expected values per fixture record; only the listed columns are compared. */
    private static List<Map<String, Object>> expectations() {
        String owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
        String endpoint = "amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com";
        List<Map<String, Object>> all = new ArrayList<>();
        all.add(row(
                "bucket_owner", owner,
                "bucket", "amzn-s3-demo-bucket1",
                "request_datetime", "06/Feb/2019:00:00:38 +0000",
                "remote_ip", "192.0.2.3",
                "requester", owner,
                "request_id", "3E57427F3EXAMPLE",
                "operation", "REST.GET.VERSIONING",
                "key", "-",
                "request_uri", "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1",
                "http_status", 200,
                "error_code", "-",
                "bytes_sent", 113L,
                "object_size", null,
                "total_time", 7L,
                "turnaround_time", null,
                "referrer", "-",
                "user_agent", "S3Console/0.4",
                "version_id", "-",
                "host_id", "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=",
                "sigv", "SigV4",
                "cipher_suite", "ECDHE-RSA-AES128-GCM-SHA256",
                "auth_type", "AuthHeader",
                "endpoint", endpoint,
                "tls_version", "TLSV1.2",
                "access_point_arn", "arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP",
                "acl_required", "Yes",
                "source_region", "us-east-1"));
        all.add(row(
                "request_id", "891CE47D2EXAMPLE",
                "operation", "REST.GET.LOGGING_STATUS",
                "request_uri", "GET /amzn-s3-demo-bucket1?logging HTTP/1.1",
                "http_status", 200,
                "bytes_sent", 242L,
                "total_time", 11L,
                "access_point_arn", "-",
                "acl_required", "-",
                "source_region", "us-east-1"));
        all.add(row(
                "request_id", "A1206F460EXAMPLE",
                "operation", "REST.GET.BUCKETPOLICY",
                "key", "-",
                "http_status", 404,
                "error_code", "NoSuchBucketPolicy",
                "bytes_sent", 297L,
                "object_size", null,
                "total_time", 38L,
                "host_id", "BNaBsXZQQDbssi6xMBdBU2sLt+Yf5kZDmeBUP35sFoKa3sLLeMC78iwEIWxs99CRUrbS4n11234=",
                "access_point_arn", "-",
                "acl_required", "Yes",
                "source_region", "us-east-1"));
        all.add(row(
                "request_datetime", "06/Feb/2019:00:01:00 +0000",
                "request_id", "7B4A0FABBEXAMPLE",
                "operation", "REST.GET.VERSIONING",
                "http_status", 200,
                "bytes_sent", 113L,
                "total_time", 33L,
                "turnaround_time", null,
                "endpoint", endpoint,
                "acl_required", "-"));
        all.add(row(
                "request_datetime", "06/Feb/2019:00:01:57 +0000",
                "request_id", "DD6CC733AEXAMPLE",
                "operation", "REST.PUT.OBJECT",
                "key", "s3-dg.pdf",
                "request_uri", "PUT /amzn-s3-demo-bucket1/s3-dg.pdf HTTP/1.1",
                "http_status", 200,
                "error_code", "-",
                "bytes_sent", null,
                "object_size", 4406583L,
                "total_time", 41754L,
                "turnaround_time", 28L,
                "referrer", "-",
                "user_agent", "S3Console/0.4",
                "version_id", "-",
                "sigv", "SigV4",
                "cipher_suite", "ECDHE-RSA-AES128-SHA",
                "tls_version", "TLSV1.2",
                "access_point_arn", "-",
                "acl_required", "Yes",
                "source_region", "us-east-1"));
        all.add(row(
                "bucket", "awsexamplebucket1",
                "operation", "REST.PUT.OBJECT",
                "key", "s3-dg.pdf",
                "http_status", 200,
                "bytes_sent", null,
                "object_size", 4406583L,
                "endpoint", "awsexamplebucket1.s3.us-west-1.amazonaws.com",
                "tls_version", "TLSV1.1",
                "access_point_arn", null,
                "acl_required", null,
                "source_region", null));
        return all;
    }

    /** What RegexSerDe would hand Athena for this line, or null when the line does not match. */
    private static Map<String, Object> deserialize(Pattern pattern, List<Column> columns, String line) {
        Matcher m = pattern.matcher(line);
        if (!m.matches()) {
            return null;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int c = 0; c < columns.size() && c < m.groupCount(); c++) {
            String text = m.group(c + 1);
            Object value = text;
            String type = columns.get(c).type();
            if (!type.equals("string")) {
                // Hive: Integer.valueOf / Long.valueOf; Trino: Integer.parseInt /
                // Long.parseLong. Either way text that is not a number in the
                // column type's range (an int above 2147483647 too) is NULL.
                try {
                    value = text == null ? null
                            : type.equals("int") ? (Object) Integer.valueOf(text) : (Object) Long.valueOf(text);
                } catch (NumberFormatException e) {
                    value = null;
                }
            }
            row.put(columns.get(c).name(), value);
        }
        return row;
    }

    /** --rows: stdin lines to JSON rows, see the class comment. */
    private static void rows(Path regexFile, Path columnsFile) throws IOException {
        String regex = Files.readString(regexFile, StandardCharsets.UTF_8).strip();
        List<Column> columns = readColumns(columnsFile);
        Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
        if (!failures.isEmpty() || pattern.matcher("").groupCount() != columns.size()) {
            // Hive throws SerDeException for this; Trino reads missing groups as NULL.
            // Either way it is a broken table, not something to emulate quietly.
            System.err.println("FAIL: regex has " + pattern.matcher("").groupCount()
                    + " capture groups for " + columns.size() + " columns");
            System.exit(2);
        }
        byte[] in = System.in.readAllBytes();
        int start = in.length >= 3 && in[0] == (byte) 0xEF && in[1] == (byte) 0xBB && in[2] == (byte) 0xBF ? 3 : 0;
        // Malformed UTF-8 becomes U+FFFD, as with new String(bytes, UTF_8) in Trino.
        String text = new String(in, start, in.length - start, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < text.length()) {
            int end = pos;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            Map<String, Object> row = deserialize(pattern, columns, text.substring(pos, end));
            out.append('{');
            for (int c = 0; c < columns.size(); c++) {
                Object v = row == null ? null : row.get(columns.get(c).name());
                out.append(c == 0 ? "" : ",").append(json(columns.get(c).name())).append(':')
                        .append(v == null ? "null" : v instanceof String ? json((String) v) : v.toString());
            }
            out.append("}\n");
            if (end < text.length() && text.charAt(end) == '\r') {
                end++;
            }
            if (end < text.length() && text.charAt(end) == '\n') {
                end++;
            }
            pos = end;
        }
        System.out.print(out);
        System.out.flush();
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static Map<String, Object> row(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** The columns file is a JSON array of {"name", "type", "comment"} objects, one per line. */
    private static List<Column> readColumns(Path path) throws IOException {
        Pattern entry = Pattern.compile("\\{\\s*\"name\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"type\"\\s*:\\s*\"([^\"]+)\"");
        Matcher m = entry.matcher(Files.readString(path, StandardCharsets.UTF_8));
        List<Column> columns = new ArrayList<>();
        while (m.find()) {
            columns.add(new Column(m.group(1), m.group(2)));
        }
        check(!columns.isEmpty(), "columns file " + path + " lists columns");
        return columns;
    }

    private static List<String> readRecords(Path path) throws IOException {
        List<String> records = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                records.add(line);
            }
        }
        return records;
    }

    private static String show(Object value) {
        return value == null ? "NULL" : value instanceof String ? "'" + value + "'" : value.toString();
    }

    private static boolean check(boolean ok, String what) {
        if (ok) {
            passed++;
        } else {
            failures.add(what);
        }
        return ok;
    }
}
