namespace Borealis.Sql.Errors;

/// <summary>The SQLSTATE MySQL sends with each error code (from MySQL's server error reference).</summary>
public static class MySqlErrorCodeExtensions
{
    public static string SqlState(this MySqlErrorCode code) => code switch
    {
        MySqlErrorCode.ConCountError => "08004",
        MySqlErrorCode.HandshakeError or MySqlErrorCode.UnknownComError or MySqlErrorCode.NetPacketTooLarge
            or MySqlErrorCode.NetReadErrorFromPipe or MySqlErrorCode.NetFcntlError or MySqlErrorCode.NetPacketsOutOfOrder
            or MySqlErrorCode.NetUncompressError or MySqlErrorCode.NetReadError or MySqlErrorCode.NetReadInterrupted
            or MySqlErrorCode.NetErrorOnWrite or MySqlErrorCode.NetWriteInterrupted => "08S01",
        MySqlErrorCode.NoDbError => "3D000",
        MySqlErrorCode.BadTableError or MySqlErrorCode.NoSuchTable or MySqlErrorCode.UnknownTable
            or MySqlErrorCode.CheckNoSuchTable => "42S02",
        MySqlErrorCode.BadFieldError or MySqlErrorCode.NonUniqError => "42S22",
        MySqlErrorCode.DupFieldName => "42S21",
        MySqlErrorCode.TableExists => "42S01",
        MySqlErrorCode.NoSuchIndex or MySqlErrorCode.KeyDoesNotExist => "42S12",
        MySqlErrorCode.DupKeyName => "42000",
        MySqlErrorCode.BadNullError or MySqlErrorCode.DupEntry or MySqlErrorCode.DupUnique
            or MySqlErrorCode.RowIsReferenced or MySqlErrorCode.NoReferencedRow or MySqlErrorCode.RowIsReferenced2
            or MySqlErrorCode.NoReferencedRow2 or MySqlErrorCode.DupEntryWithKeyName => "23000",
        MySqlErrorCode.WrongValueCount or MySqlErrorCode.WrongValueCountOnRow => "21S01",
        MySqlErrorCode.OperandColumns or MySqlErrorCode.SubqueryNoOneRow => "21000",
        MySqlErrorCode.LockDeadlock => "40001",
        MySqlErrorCode.ReadOnlyTransaction or MySqlErrorCode.CantDoThisDuringAnTransaction => "25000",
        MySqlErrorCode.ReadOnlyTransactionStatement => "25006",
        MySqlErrorCode.DataTooLong => "22001",
        MySqlErrorCode.WarnDataTruncated => "01000",
        MySqlErrorCode.WarnDataOutOfRange or MySqlErrorCode.DataOutOfRange => "22003",
        MySqlErrorCode.TruncatedWrongValue or MySqlErrorCode.InvalidCharacterString => "22007",
        MySqlErrorCode.DivisionByZero => "22012",
        MySqlErrorCode.InvalidJsonText or MySqlErrorCode.InvalidJsonPath or MySqlErrorCode.InvalidJsonTextInParam => "22032",
        MySqlErrorCode.AccessDenied or MySqlErrorCode.AccessDeniedNoPassword => "28000",
        MySqlErrorCode.DbAccessDenied or MySqlErrorCode.BadDbError
            or MySqlErrorCode.ParseError or MySqlErrorCode.SyntaxError or MySqlErrorCode.EmptyQuery
            or MySqlErrorCode.NotSupportedYet or MySqlErrorCode.InvalidJsonPathWildcard or MySqlErrorCode.JsonBadOneOrAllArg or MySqlErrorCode.InvalidJsonPathArrayCell or MySqlErrorCode.NonUniqTable or MySqlErrorCode.WrongFieldSpec
            or MySqlErrorCode.InvalidDefault or MySqlErrorCode.MultiplePriKey or MySqlErrorCode.TooManyKeys
            or MySqlErrorCode.TooLongKey or MySqlErrorCode.KeyColumnDoesNotExist or MySqlErrorCode.WrongAutoKey
            or MySqlErrorCode.CantDropFieldOrKey or MySqlErrorCode.TooLongIdent or MySqlErrorCode.WrongColumnName
            or MySqlErrorCode.TableMustHaveColumns or MySqlErrorCode.UnknownCharacterSet
            or MySqlErrorCode.BlobKeyWithoutLength or MySqlErrorCode.WrongNumberOfColumnsInSelect
            or MySqlErrorCode.DerivedMustHaveAlias or MySqlErrorCode.IllegalGrantForTable
            or MySqlErrorCode.NonexistingGrant or MySqlErrorCode.NonexistingTableGrant
            or MySqlErrorCode.UnknownSystemVariable or MySqlErrorCode.WrongValueForVar or MySqlErrorCode.WrongTypeForVar
            or MySqlErrorCode.VarCantBeRead or MySqlErrorCode.CantUseOptionHere or MySqlErrorCode.WrongForeignKeyDef
            or MySqlErrorCode.WrongNameForIndex or MySqlErrorCode.WrongNameForCatalog
            or MySqlErrorCode.WrongParamcountToNativeFct or MySqlErrorCode.WrongParametersToNativeFct
            or MySqlErrorCode.WrongParametersToStoredFct or MySqlErrorCode.SpDoesNotExist
            or MySqlErrorCode.SpWrongNoOfArgs or MySqlErrorCode.TooBigPrecision or MySqlErrorCode.TooBigScale
            or MySqlErrorCode.MBiggerThanD or MySqlErrorCode.TooBigDisplaywidth or MySqlErrorCode.TooBigFieldlength
            or MySqlErrorCode.UnknownProcedure or MySqlErrorCode.TableNameNotAllowedHere
            or MySqlErrorCode.UnknownStorageEngine or MySqlErrorCode.WrongOuterJoin or MySqlErrorCode.NotAllowedCommand
            or MySqlErrorCode.ViewWrongList or MySqlErrorCode.PasswordNoMatch or MySqlErrorCode.PasswordAnonymousUser
            or MySqlErrorCode.RequiresPrimaryKey or MySqlErrorCode.WrongGroupField or MySqlErrorCode.WrongFieldWithGroup or MySqlErrorCode.MixOfGroupFuncAndFields
            or MySqlErrorCode.WrongSumSelect or MySqlErrorCode.WrongUsage or MySqlErrorCode.NotSupportedAuthMode
            or MySqlErrorCode.UnknownStmtHandler or MySqlErrorCode.FunctionNotDefined
            or MySqlErrorCode.InvalidGroupFuncUse or MySqlErrorCode.TooBigRowSize
            or MySqlErrorCode.NullColumnInIndex or MySqlErrorCode.PrimaryCantHaveNull
            or MySqlErrorCode.FieldSpecifiedTwice or MySqlErrorCode.UnknownCollation
            or MySqlErrorCode.TruncateIllegalFk => "42000",
        _ => "HY000",
    };
}
