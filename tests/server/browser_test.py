#!/usr/bin/env python3
"""The search page in a real browser: Debian's headless Chromium driven through chromedriver
by python3-selenium. Types مجاهدين and Rajavi into the page and checks that hits appear with
their marks, that a Persian snippet is laid out right to left and every English one left to
right (also one that opens with a Persian name), that the did-you-mean link and paging work; saves screenshots in --work.
Exit codes: 0 passed, 1 failed, 77 skipped (only when Chromium itself is missing)."""
import argparse
import os
import shutil
import sys

from serve_support import Serve, build_index

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--serve", "--index", "--corpus", "--work"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    if not CHROMIUM:
        print("SKIP: chromium is not installed (apt-get install chromium chromium-driver "
              "python3-selenium, or bash scripts/install-deps)")
        return 77
    # With Chromium present, a missing driver or Selenium is a broken setup, not a skip.
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    db = build_index(args.index, args.corpus, args.work)
    server = Serve(args.serve, db, "--quiet")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1200,1600", "--lang=en"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    wait = WebDriverWait(browser, 20)
    failures = []

    def check(condition, what):
        if not condition:
            failures.append(what)
            print("FAIL:", what, file=sys.stderr)

    # Waits for the hit list the page renders for (query, offset): it names them in data-*.
    def rendered(query, offset=0):
        wait.until(lambda b: b.execute_script(
            "const hits = document.getElementById('hits');"
            "return hits.dataset.query === arguments[0] && hits.dataset.offset === arguments[1]",
            query, str(offset)))

    def search(text):
        box = browser.find_element(By.ID, "q")
        box.clear()
        box.send_keys(text, Keys.ENTER)
        rendered(text)

    # The directionality dir="auto" resolved from the element's text (:dir() matches it;
    # getComputedStyle's direction does not follow dir="auto" in Chromium).
    def direction(element):
        return browser.execute_script(
            "return arguments[0].matches(':dir(rtl)') ? 'rtl' : 'ltr'", element)

    try:
        browser.get(server.url + "/")
        search("مجاهدين")
        snippets = browser.find_elements(By.CSS_SELECTOR, "#hits li.hit p.snippet")
        check(len(snippets) >= 2, f"مجاهدين: {len(snippets)} hits")
        persian = [s for s in snippets if s.get_attribute("lang") == "fa"]
        check(persian, "مجاهدين: no Persian snippet")
        for snippet in persian:
            check(direction(snippet) == "rtl", f"Persian snippet direction {direction(snippet)}")
            marks = [m.text for m in snippet.find_elements(By.TAG_NAME, "mark")]
            check("مجاهدين" in marks, f"Persian snippet marks {marks}")
        english = [s for s in snippets if s.get_attribute("lang") == "en"]
        check(english, "مجاهدين: no English snippet (the seed article quotes the Persian name)")
        for snippet in english:
            check(direction(snippet) == "ltr", "an English snippet is laid out right to left")
        browser.save_screenshot(os.path.join(args.work, "persian.png"))

        search("Rajavi")
        first_page = browser.find_elements(By.CSS_SELECTOR, "#hits li.hit")
        check(len(first_page) == 10, f"Rajavi: {len(first_page)} hits on page 1, want 10")
        marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#hits mark")]
        check("Rajavi" in marks, f"Rajavi marks {marks[:5]}")
        # The seed article's snippet here opens with a quoted Persian name: still English.
        for snippet in browser.find_elements(By.CSS_SELECTOR, "#hits p.snippet[lang=en]"):
            check(direction(snippet) == "ltr", f"English snippet laid out right to left: "
                                               f"{snippet.text[:40]!r}")
        check("in " in browser.find_element(By.ID, "summary").text
              and "ms" in browser.find_element(By.ID, "summary").text, "no query time shown")
        browser.save_screenshot(os.path.join(args.work, "rajavi.png"))
        first_titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#hits .title")]

        browser.find_element(By.ID, "next").click()
        rendered("Rajavi", 10)
        check("offset=10" in browser.current_url, f"page 2 address {browser.current_url}")
        check(browser.execute_script("return document.getElementById('hits').start") == 11,
              "page 2 does not number from 11")
        second_titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#hits .title")]
        check(second_titles and not set(second_titles) & set(first_titles),
              f"page 2 {second_titles} repeats page 1")
        check(not browser.find_element(By.ID, "previous").get_attribute("hidden"),
              "no previous link on page 2")
        browser.save_screenshot(os.path.join(args.work, "rajavi-page-2.png"))
        browser.back()
        rendered("Rajavi", 0)
        check([e.text for e in browser.find_elements(By.CSS_SELECTOR, "#hits .title")] == first_titles,
              "back to page 1 shows other hits")

        # A typo the index knows better: the page offers the correction as a link.
        browser.get(server.url + "/?q=Rajavii")
        link = wait.until(EC.visibility_of_element_located((By.ID, "suggestion-link")))
        check(link.text == "rajavi", f"did you mean {link.text!r}")
        link.click()
        rendered("rajavi")
        check("q=rajavi" in browser.current_url, f"after the suggestion: {browser.current_url}")

        # Each hit links to its stored passage.
        href = browser.find_element(By.CSS_SELECTOR, "#hits .title").get_attribute("href")
        browser.get(href)
        check("Rajavi" in browser.find_element(By.TAG_NAME, "body").text, f"{href} lacks the text")
    finally:
        browser.quit()
        code, _ = server.stop()
        check(code == 0, f"kavosh-serve exit {code} after SIGTERM")
    print(f"screenshots in {args.work}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
