namespace CybrLink.Web.Connect;

/// <summary>Marker for the Connect UI's strings: <c>Resources/Connect/ConnectText.*.resx</c>.</summary>
public sealed class ConnectText;
