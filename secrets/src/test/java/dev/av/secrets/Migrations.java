package dev.av.secrets;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the module's migrations, as the server's single Flyway run does. */
public final class Migrations {

    private Migrations() {
    }

    public static DataSource apply(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }
}
