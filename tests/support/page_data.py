"""The candidates of a report page's data (host/report/report_data.c) as the other outputs
have them: one dict each, the reasons written back from their forms and numbers."""


def reasons(row_value, forms):
    out, k = [], 0
    while k < len(row_value):
        f = forms[row_value[k]]
        k += 1
        t = f[0]
        for m in range(1, len(f), 2):
            t += '%.*f' % (f[m], row_value[k]) + f[m + 1]
            k += 1
        out.append(t)
    return '; '.join(out)


def candidates(d):
    """d: the page's JSON (<script id="tc-data">), parsed."""
    j = d['cols'].index('reasons')
    return [dict(zip(d['cols'], r), reasons=reasons(r[j], d['reason_forms'])) for r in d['rows']]
