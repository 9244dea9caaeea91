#!/usr/bin/env python3
"""Drive qbo-sandbox with an unmodified QuickBooks SDK (python-quickbooks + intuit-oauth).

Only the base URL differs from a real QuickBooks connection: the OAuth endpoints come from
the sandbox's OpenID discovery document and the API base is http://127.0.0.1:PORT/v3.

The script authorizes through the sandbox OAuth endpoints (authorization code, then refresh
with rotation and revoke), creates a customer, an item, an invoice and a payment, queries,
runs a batch, voids, and checks the fault a duplicate name gets. Exit status 0 when every
check passed, 1 otherwise.

Usage:
    sdk_check.py --base-url http://127.0.0.1:PORT        # a sandbox already running
    sdk_check.py --sandbox-bin PATH/TO/qbo-sandbox       # start one on a free port
"""
import argparse
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import requests
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks
from quickbooks.batch import batch_create
from quickbooks.exceptions import AuthorizationException, QuickbooksException
from quickbooks.objects.account import Account
from quickbooks.objects.base import LinkedTxn
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.payment import Payment, PaymentLine

# oauthlib refuses plain http unless told; the sandbox listens on loopback http.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

CLIENT_ID = "portbooks-demo"
CLIENT_SECRET = "portbooks-demo-secret"
REDIRECT_URI = "http://localhost:8765/callback"

passed = 0


def check(condition, what):
    global passed
    if not condition:
        print(f"FAIL: {what}", flush=True)
        sys.exit(1)
    passed += 1
    print(f"ok   {what}", flush=True)


def start_sandbox(binary):
    proc = subprocess.Popen([binary, "--port", "0", "--limits", "off"], stdout=subprocess.PIPE, text=True)
    first = proc.stdout.readline().strip()
    if not first.startswith("listening on http://"):
        proc.kill()
        sys.exit(f"unexpected first line from qbo-sandbox: {first!r}")
    return proc, first[len("listening on "):]


def connect(base):
    """OAuth 2.0 authorization-code flow; the sandbox approves at once and redirects."""
    auth = AuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI,
                      environment=f"{base}/.well-known/openid_sandbox_configuration/")
    url = auth.get_authorization_url([Scopes.ACCOUNTING])
    redirect = requests.get(url, allow_redirects=False)
    check(redirect.status_code == 302, "authorize endpoint redirects (302)")
    params = parse_qs(urlparse(redirect.headers["Location"]).query)
    check(params["state"][0] == auth.state_token, "redirect carries our state")
    code, realm = params["code"][0], params["realmId"][0]
    auth.get_bearer_token(code, realm_id=realm)
    check(auth.access_token and auth.refresh_token and auth.expires_in == 3600, "code exchanged for a 3600 s bearer token")
    return auth, realm


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running sandbox, e.g. http://127.0.0.1:8080")
    parser.add_argument("--sandbox-bin", help="path of the qbo-sandbox executable to start")
    args = parser.parse_args()
    if not args.base_url and not args.sandbox_bin:
        parser.error("give --base-url or --sandbox-bin")
    proc = None
    base = args.base_url
    if not base:
        proc, base = start_sandbox(args.sandbox_bin)
    try:
        run(base.rstrip("/"))
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"all {passed} checks passed against {base}")


def run(base):
    auth, realm = connect(base)
    qb = QuickBooks(auth_client=auth, refresh_token=auth.refresh_token, company_id=realm, minorversion=75)
    # The one change from a production setup: where the API lives.
    qb.api_url_v3 = qb.sandbox_api_url_v3 = f"{base}/v3"

    tag = uuid.uuid4().hex[:8]
    customer = Customer()
    customer.DisplayName = f"SDK Check {tag}"
    customer.CompanyName = "SDK Check Co"
    created = customer.save(qb=qb)
    check(created.DisplayName == customer.DisplayName and created.FullyQualifiedName == customer.DisplayName,
          "customer response carries server-filled FullyQualifiedName")
    check(customer.Id and str(customer.SyncToken) == "0", f"customer created (Id {customer.Id}, SyncToken {customer.SyncToken!r})")

    income = Account.filter(Name="Services", qb=qb)
    check(len(income) == 1, "income account found by query")
    item = Item()
    item.Name = f"Drayage {tag}"
    item.Type = "Service"
    item.IncomeAccountRef = income[0].to_ref()
    item.save(qb=qb)
    check(item.Id, f"item created (Id {item.Id})")

    def invoice_for(amount, doc):
        line = SalesItemLine()
        line.Amount = Decimal(amount)
        line.Description = "Pick up & delivery"
        line.SalesItemLineDetail = SalesItemLineDetail()
        line.SalesItemLineDetail.ItemRef = item.to_ref()
        line.SalesItemLineDetail.Qty = 3
        line.SalesItemLineDetail.UnitPrice = Decimal(amount) / 3
        inv = Invoice()
        inv.CustomerRef = customer.to_ref()
        inv.DocNumber = doc
        inv.Line.append(line)
        # save() returns the server's object; the SDK copies only Id and SyncToken back.
        return inv.save(qb=qb)

    invoice = invoice_for("150.00", f"SDK-{tag}")
    check(Decimal(str(invoice.TotalAmt)) == Decimal("150") and Decimal(str(invoice.Balance)) == Decimal("150"),
          "invoice created with server-computed TotalAmt and Balance")

    payment = Payment()
    payment.TotalAmt = Decimal("150.00")
    payment.CustomerRef = customer.to_ref()
    pline = PaymentLine()
    pline.Amount = Decimal("150.00")
    link = LinkedTxn()
    link.TxnId = invoice.Id
    link.TxnType = "Invoice"
    pline.LinkedTxn.append(link)
    payment.Line.append(pline)
    saved_payment = payment.save(qb=qb)
    check(payment.Id and Decimal(str(saved_payment.UnappliedAmt)) == 0, f"payment created (Id {payment.Id}), fully applied")

    paid = Invoice.get(invoice.Id, qb=qb)
    check(Decimal(str(paid.Balance)) == 0 and paid.SyncToken == "1", "payment lowered the invoice Balance to 0 and bumped its SyncToken")

    found = Customer.filter(DisplayName=customer.DisplayName, qb=qb)
    check(len(found) == 1 and found[0].Id == customer.Id, "query by DisplayName finds the customer")
    by_doc = Invoice.query(f"SELECT * FROM Invoice WHERE DocNumber IN ('SDK-{tag}', 'nope')", qb=qb)
    check(len(by_doc) == 1, "query with IN finds the invoice")
    check(Customer.count(qb=qb) >= 2, "COUNT(*) query")

    batch = []
    for i in range(3):
        c = Customer()
        c.DisplayName = f"Batch {tag} {i}"
        batch.append(c)
    results = batch_create(batch, qb=qb)
    check(len(results.successes) == 3 and not results.faults, "batch created three customers")

    voided = payment.void(qb=qb)
    check(Decimal(str(voided["Payment"]["TotalAmt"])) == 0 and voided["Payment"]["PrivateNote"].startswith("Voided"),
          "payment voided")
    reopened = Invoice.get(invoice.Id, qb=qb)
    check(Decimal(str(reopened.Balance)) == Decimal("150"), "voiding the payment reopened the invoice")
    result = reopened.void(qb=qb)
    check(Decimal(str(result["Invoice"]["TotalAmt"])) == 0, "invoice voided")

    dup = Customer()
    dup.DisplayName = customer.DisplayName
    try:
        dup.save(qb=qb)
        check(False, "duplicate DisplayName refused")
    except QuickbooksException as e:
        check(str(e.error_code) == "6240", "duplicate DisplayName refused with 6240")

    old_refresh = auth.refresh_token
    auth.refresh()
    check(auth.refresh_token != old_refresh, "refresh rotates the refresh token")
    try:
        auth.refresh(refresh_token=old_refresh)
        check(False, "superseded refresh token refused")
    except AuthClientError as e:
        check(e.status_code == 400 and b"invalid_grant" in e.content, "superseded refresh token answers invalid_grant")

    qb = QuickBooks(auth_client=auth, refresh_token=auth.refresh_token, company_id=realm, minorversion=75)
    qb.api_url_v3 = qb.sandbox_api_url_v3 = f"{base}/v3"
    check(Customer.get(customer.Id, qb=qb).Id == customer.Id, "new access token works")
    auth.revoke(token=auth.refresh_token)
    try:
        Customer.get(customer.Id, qb=qb)
        check(False, "revoked token refused")
    except AuthorizationException as e:
        check(e.error_code == 401, "revoked token gets 401")


if __name__ == "__main__":
    main()
