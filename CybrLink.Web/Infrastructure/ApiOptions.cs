using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CybrLink.Web.Infrastructure;

/// <summary>How strictly the JSON API reads requests (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>The largest JSON body the API and the Connect UI calls accept; larger ones answer 413.</summary>
    [Range(1024, 32 * 1024 * 1024, ErrorMessage = "Api:MaxBodyBytes must be between 1024 and 33554432 (32 MB).")]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}

[OptionsValidator]
public sealed partial class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
}
