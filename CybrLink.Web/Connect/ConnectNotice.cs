namespace CybrLink.Web.Connect;

/// <summary>A page that says why the link cannot be used: its HTTP status and the text keys it shows.</summary>
public sealed record ConnectNotice(string Kind, int Status, bool OffersReturn)
{
    public static readonly ConnectNotice NotFound = new("NotFound", StatusCodes.Status404NotFound, false);
    public static readonly ConnectNotice Expired = new("Expired", StatusCodes.Status410Gone, true);
    public static readonly ConnectNotice AlreadyUsed = new("Used", StatusCodes.Status410Gone, true);
    public static readonly ConnectNotice Cancelled = new("Cancelled", StatusCodes.Status410Gone, true);
    public static readonly ConnectNotice Unavailable = new("Unavailable", StatusCodes.Status503ServiceUnavailable, false);

    public string TitleKey => Kind + "Title";
    public string BodyKey => Kind + "Body";
}
