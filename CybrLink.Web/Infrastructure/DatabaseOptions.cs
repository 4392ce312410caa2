using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>Which database CybrLink keeps its state in (section <c>Database</c>; the connection string is <c>ConnectionStrings:CybrLink</c>).</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    [Required(ErrorMessage = "Database:Provider is required; use 'Sqlite' or 'Postgres'.")]
    [RegularExpression("^(?i:sqlite|postgres)$", ErrorMessage = "Database:Provider must be 'Sqlite' or 'Postgres'.")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// Apply pending migrations when the server starts. Unset: yes on SQLite (the embedded, two-command setup), no on
    /// PostgreSQL, where several instances share one database and migrating is a deployment step (<c>migrate</c> verb).
    /// </summary>
    public bool? MigrateOnStart { get; set; }

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    public bool ShouldMigrateOnStart => MigrateOnStart ?? !IsPostgres;
}

[OptionsValidator]
public sealed partial class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
}
