namespace CybrLink.Web.Infrastructure;

/// <summary>A setting CybrLink cannot start with; the message is one sentence that names the key.</summary>
public sealed class ConfigurationProblemException(string message) : Exception(message);
