// The driver contract through MariaDB Connector/J (Debian's libmariadb-java): type-matrix.json round trips, a
// rollback, a duplicate key. Run in single-file mode:
//   java -cp /usr/share/java/mariadb-java-client.jar Matrix.java FIXTURE PORT PASSWORD server|client
// "server" uses server-side prepared statements (useServerPrepStmts=true), "client" Connector/J's own escaping.
// Prints the report TypeMatrix.cs checks. Values use JDBC's typed setters and getters: long, boolean, BigDecimal,
// float, double, String, byte[], LocalDate, LocalDateTime; TIME as text (java.sql.Time and LocalTime hold neither
// negative times nor times past 24 hours).
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Matrix {
    static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    public static void main(String[] args) throws Exception {
        String fixture = args[0], port = args[1], password = args[2], mode = args[3];
        @SuppressWarnings("unchecked")
        List<Object> columns = (List<Object>) ((Map<String, Object>) new Json(Files.readString(Path.of(fixture), StandardCharsets.UTF_8)).value()).get("columns");
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/?user=admin&password=" + password
            + "&useSsl=false&allowPublicKeyRetrieval=true&useServerPrepStmts=" + mode.equals("server");
        Map<String, Object> report = new LinkedHashMap<>();
        try (Connection conn = DriverManager.getConnection(url)) {
            report.put("driver", "MariaDB Connector/J " + conn.getMetaData().getDriverVersion() + " (" + mode + " prepared)");
            try (Statement st = conn.createStatement()) {
                st.execute("CREATE DATABASE matrix");
            }
            conn.setCatalog("matrix");
            Map<String, Object> types = new LinkedHashMap<>();
            for (Object c : columns) {
                @SuppressWarnings("unchecked")
                Map<String, Object> column = (Map<String, Object>) c;
                try {
                    types.put((String) column.get("name"), runColumn(conn, column));
                } catch (Exception e) {
                    types.put((String) column.get("name"), Map.of("error", describe(e)));
                }
            }
            report.put("types", types);
            report.put("transaction", guarded(() -> rollback(conn)));
            report.put("duplicate", guarded(() -> duplicate(conn)));
        }
        System.out.print(Json.write(report));
    }

    interface Part { Map<String, Object> run() throws Exception; }

    static Map<String, Object> guarded(Part part) {
        try {
            return part.run();
        } catch (Exception e) {
            return Map.of("error", describe(e));
        }
    }

    static String describe(Exception e) {
        return e instanceof SQLException s ? s.getErrorCode() + ": " + s.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static void set(PreparedStatement ps, int index, String kind, String text) throws SQLException {
        if (text == null) {
            ps.setNull(index, java.sql.Types.NULL);
            return;
        }
        switch (kind) {
            case "int" -> {
                BigInteger n = new BigInteger(text);
                if (n.bitLength() < 64) ps.setLong(index, n.longValue()); else ps.setBigDecimal(index, new BigDecimal(n));
            }
            case "bool" -> ps.setBoolean(index, text.equals("1"));
            case "decimal" -> ps.setBigDecimal(index, new BigDecimal(text));
            case "float" -> ps.setFloat(index, Float.parseFloat(text));
            case "double" -> ps.setDouble(index, Double.parseDouble(text));
            case "bytes" -> ps.setBytes(index, hex(text));
            case "date" -> ps.setObject(index, LocalDate.parse(text));
            case "datetime" -> ps.setObject(index, LocalDateTime.parse(text.replace(' ', 'T')));
            default -> ps.setString(index, text);
        }
    }

    static String get(ResultSet rs, String kind) throws SQLException {
        Object value = rs.getObject(1);
        if (value == null) return null;
        return switch (kind) {
            // BIT(n) comes as bytes (Connector/J's getLong reads BIT(8) 170 as the signed byte -86).
            case "int" -> value instanceof byte[] b ? new BigInteger(1, b).toString() : Long.toString(rs.getLong(1));
            case "bool" -> rs.getBoolean(1) ? "1" : "0";
            case "decimal" -> rs.getBigDecimal(1).toPlainString();
            case "float" -> Float.toString(rs.getFloat(1));
            case "double" -> Double.toString(rs.getDouble(1));
            case "bytes" -> hex(rs.getBytes(1));
            case "date" -> rs.getObject(1, LocalDate.class).toString();
            case "datetime" -> rs.getObject(1, LocalDateTime.class).format(DATETIME);
            // Over the binary protocol Connector/J prints a TIME with six fraction digits, zeros or not.
            case "time" -> rs.getString(1).replaceFirst("\\.0+$", "");
            default -> rs.getString(1);
        };
    }

    static Map<String, Object> runColumn(Connection conn, Map<String, Object> column) throws SQLException {
        String table = "t_" + column.get("name"), kind = (String) column.get("kind");
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) column.get("values");
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v " + column.get("type") + ")");
        }
        try (PreparedStatement insert = conn.prepareStatement("INSERT INTO " + table + " (id, v) VALUES (?, ?)")) {
            for (int i = 0; i <= values.size(); i++) {
                insert.setInt(1, i + 1);
                set(insert, 2, kind, i < values.size() ? (String) values.get(i) : null);
                insert.executeUpdate();
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        List<Object> read = new ArrayList<>();
        try (PreparedStatement select = conn.prepareStatement("SELECT v FROM " + table + " WHERE id = ?")) {
            for (int i = 0; i <= values.size(); i++) {
                select.setInt(1, i + 1);
                try (ResultSet rs = select.executeQuery()) {
                    read.add(rs.next() ? get(rs, kind) : "(no row)");
                }
            }
        }
        result.put("values", read);
        if (Boolean.TRUE.equals(column.get("lookup"))) {
            List<Object> lookup = new ArrayList<>();
            try (PreparedStatement find = conn.prepareStatement("SELECT id FROM " + table + " WHERE v = ? ORDER BY id")) {
                for (Object text : values) {
                    set(find, 1, kind, (String) text);
                    List<Object> ids = new ArrayList<>();
                    try (ResultSet rs = find.executeQuery()) {
                        while (rs.next()) ids.add(rs.getInt(1));
                    }
                    lookup.add(ids);
                }
            }
            result.put("lookup", lookup);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> unsupported = (Map<String, Object>) column.get("unsupported");
        if (unsupported != null) {
            try (PreparedStatement insert = conn.prepareStatement("INSERT INTO " + table + " (id, v) VALUES (1000, ?)")) {
                set(insert, 1, kind, (String) unsupported.get("value"));
                insert.executeUpdate();
                try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM " + table + " WHERE id = 1000")) {
                    rs.next();
                    result.put("unsupported", "stored, read back as " + get(rs, kind));
                }
            } catch (SQLException e) {
                result.put("unsupported", e.getErrorCode());
            }
        }
        return result;
    }

    static Map<String, Object> rollback(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE tx (id INT PRIMARY KEY, v VARCHAR(20))");
        }
        try (PreparedStatement insert = conn.prepareStatement("INSERT INTO tx (id, v) VALUES (?, ?)")) {
            insert.setInt(1, 1);
            insert.setString(2, "kept");
            insert.executeUpdate();
            conn.setAutoCommit(false);
            for (int id : new int[] {2, 3}) {
                insert.setInt(1, id);
                insert.setString(2, "rolled back");
                insert.executeUpdate();
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM tx")) {
                rs.next();
                result.put("inside", rs.getLong(1));
            }
            conn.rollback();
            conn.setAutoCommit(true);
            List<Object> after = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT id FROM tx ORDER BY id")) {
                while (rs.next()) after.add(rs.getInt(1));
            }
            result.put("after", after);
        }
        return result;
    }

    static Map<String, Object> duplicate(Connection conn) throws SQLException {
        Map<String, Object> result = new LinkedHashMap<>();
        try (PreparedStatement insert = conn.prepareStatement("INSERT INTO tx (id, v) VALUES (?, ?)")) {
            insert.setInt(1, 1);
            insert.setString(2, "again");
            insert.executeUpdate();
            result.put("error", "no error for a duplicate key");
        } catch (SQLException e) {
            result.put("code", e.getErrorCode());
            result.put("sqlstate", e.getSQLState());
            result.put("class", e.getClass().getSimpleName());
        }
        try (PreparedStatement select = conn.prepareStatement("SELECT v FROM tx WHERE id = ?")) {
            select.setInt(1, 1);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                result.put("after", rs.getString(1));
            }
        }
        return result;
    }

    static byte[] hex(String text) {
        byte[] b = new byte[text.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(String.format("%02x", b & 0xff));
        return sb.toString();
    }

    /** The smallest JSON reader and writer this program needs (the JDK has none): objects, arrays, strings, numbers, literals. */
    static final class Json {
        final String s;
        int i;

        Json(String s) { this.s = s; }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    skip();
                    String key = string();
                    skip();
                    i++; // ':'
                    m.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}') return m;
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']') return l;
                }
            }
            if (c == '"') return string();
            for (String lit : new String[] {"true", "false", "null"}) {
                if (s.startsWith(lit, i)) {
                    i += lit.length();
                    return lit.equals("null") ? null : Boolean.valueOf(lit);
                }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            return new BigDecimal(s.substring(start, i));
        }

        String string() {
            StringBuilder sb = new StringBuilder();
            i++; // opening quote
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c != '\\') { sb.append(c); continue; }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> { sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                    default -> sb.append(e);
                }
            }
        }

        void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        static String write(Object v) {
            if (v == null) return "null";
            if (v instanceof String str) {
                StringBuilder sb = new StringBuilder("\"");
                for (char c : str.toCharArray()) {
                    if (c == '"' || c == '\\') sb.append('\\').append(c);
                    else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
                return sb.append('"').toString();
            }
            if (v instanceof Map<?, ?> m) {
                List<String> parts = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) parts.add(write(e.getKey().toString()) + ":" + write(e.getValue()));
                return "{" + String.join(",", parts) + "}";
            }
            if (v instanceof List<?> l) {
                List<String> parts = new ArrayList<>();
                for (Object o : l) parts.add(write(o));
                return "[" + String.join(",", parts) + "]";
            }
            return v.toString();
        }
    }
}
