Attribute VB_Name = "SheetsyncRibbon"
' sheetsync ribbon dispatcher. Every button of the tab calls SheetsyncDispatch; the
' button id says what to do (see src/sheetsync/ribbon/buttons.py). The control's Tag
' says which dialog to show first: "none", "file|<patterns>|<title>" or "folder||<title>".
' The chosen path travels to Python hex-encoded (UTF-16), so no quote, percent sign or
' non-ASCII character in a folder name can break the command line xlwings builds.
' Generated add-in: edit this file in macros/, then run "sheetsync addin build".
Option Explicit

Public Sub SheetsyncDispatch(control As IRibbonControl)
    Dim parts() As String
    Dim chosen As String
    On Error GoTo failed
    parts = Split(control.Tag & "||", "|")
    If parts(0) = "file" Then
        chosen = SheetsyncPickFile(parts(1), parts(2))
        If chosen = "" Then Exit Sub
    ElseIf parts(0) = "folder" Then
        chosen = SheetsyncPickFolder(parts(2))
        If chosen = "" Then Exit Sub
    End If
    ' xlwings hands Python the active workbook; with none open, give it a blank one
    ' so that Python can explain what to open instead of VBA failing.
    If ActiveWorkbook Is Nothing Then Workbooks.Add
    RunPython "import sheetsync.ribbon.handlers as h; h.dispatch('" & control.Id & "', '" & SheetsyncHex(chosen) & "')"
    Exit Sub
failed:
    MsgBox "sheetsync: " & Err.Description, vbCritical, "sheetsync"
End Sub

Private Function SheetsyncPickFile(ByVal patterns As String, ByVal title As String) As String
    Dim result As Variant
    If patterns = "" Then patterns = "*.*"
    SheetsyncChangeToBookFolder
    result = Application.GetOpenFilename(patterns & "," & patterns, , title)
    If VarType(result) = vbBoolean Then
        SheetsyncPickFile = ""
    Else
        SheetsyncPickFile = CStr(result)
    End If
End Function

Private Function SheetsyncPickFolder(ByVal title As String) As String
    ' 4 = msoFileDialogFolderPicker
    With Application.FileDialog(4)
        .Title = title
        .AllowMultiSelect = False
        If Not ActiveWorkbook Is Nothing Then
            If ActiveWorkbook.Path <> "" Then .InitialFileName = ActiveWorkbook.Path & Application.PathSeparator
        End If
        If .Show = -1 Then
            SheetsyncPickFolder = .SelectedItems(1)
        Else
            SheetsyncPickFolder = ""
        End If
    End With
End Function

Private Sub SheetsyncChangeToBookFolder()
    ' Start the file dialog next to the open workbook (plans usually sit beside the master).
    On Error Resume Next
    If Not ActiveWorkbook Is Nothing Then
        If ActiveWorkbook.Path <> "" And InStr(ActiveWorkbook.Path, "://") = 0 Then
            ChDrive Left$(ActiveWorkbook.Path, 1)
            ChDir ActiveWorkbook.Path
        End If
    End If
    On Error GoTo 0
End Sub

Private Function SheetsyncHex(ByVal s As String) As String
    Dim i As Long
    Dim out As String
    For i = 1 To Len(s)
        out = out & Right$("000" & Hex$(AscW(Mid$(s, i, 1)) And &HFFFF&), 4)
    Next i
    SheetsyncHex = out
End Function
