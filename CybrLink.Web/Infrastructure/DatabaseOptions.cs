using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>Which database CybrLink keeps its state in (section <c>Database</c>; the connection string is <c>ConnectionStrings:CybrLink</c>).</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    [Required(ErrorMessage = "Database:Provider is required; use 'Sqlite'.")]
    [RegularExpression("^(?i:sqlite)$", ErrorMessage = "Database:Provider supports only 'Sqlite' in this build.")]
    public string Provider { get; set; } = "Sqlite";
}

[OptionsValidator]
public sealed partial class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
}
